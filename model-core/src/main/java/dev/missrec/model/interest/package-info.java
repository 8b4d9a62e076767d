/** Multi-modal interest discovery: k-means over adapted item features and interest-token tables. */
package dev.missrec.model.interest;
