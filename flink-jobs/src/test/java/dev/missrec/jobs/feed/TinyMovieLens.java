package dev.missrec.jobs.feed;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test data: a tiny MovieLens directory written on demand. */
public final class TinyMovieLens {
    private TinyMovieLens() {}

    /** A tiny MovieLens directory: two users, three movies, a same-second tie for user 2. */
    public static Path write(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("movies.csv"),
                "movieId,title,genres\n"
                        + "10,Alpha (1990),Comedy\n"
                        + "20,\"Beta, The (1991)\",Drama|Action\n"
                        + "30,Gamma (1992),(no genres listed)\n");
        Files.writeString(
                dir.resolve("ratings.csv"),
                "userId,movieId,rating,timestamp\n"
                        + "1,10,4.0,1000\n"
                        + "1,20,3.5,1005\n"
                        + "1,30,5.0,1010\n"
                        + "2,20,2.0,1002\n"
                        + "2,10,4.5,1002\n"
                        + "2,30,1.0,1020\n");
        return dir;
    }
}
