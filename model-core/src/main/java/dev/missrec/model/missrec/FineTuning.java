package dev.missrec.model.missrec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameter-efficient fine-tuning of a pre-trained MISSRec (MISSREC-SPEC.md §3.2, finetune.py:
 * 66-71): the position table, the contextual encoder and the interest-aware decoder (with their
 * final norms) are frozen; the two modality adapters, the decoder-input LayerNorm, the fusion
 * factor β and, in transductive mode, the item-ID table stay trainable. For the paper preset that
 * is 308,401 trainable values inductive, plus 300·N transductive.
 *
 * <p>Dropout inside the frozen layers stays active in training, as in the reference (the model is
 * in train mode).
 */
public final class FineTuning {
    /** Child blocks of {@link MissRecBlock} that efficient fine-tuning trains. */
    static final Set<String> TRAINABLE_CHILDREN =
            Set.of("text_adaptor", "img_adaptor", "LayerNorm");

    /** Direct parameters of {@link MissRecBlock} that efficient fine-tuning trains. */
    static final Set<String> TRAINABLE_PARAMETERS = Set.of("fusion_factor", "item_embedding");

    private FineTuning() {}

    /**
     * Freezes everything but the adapters, the decoder-input LayerNorm, β and the ID table.
     *
     * @return the number of trainable values left
     */
    public static long freezeBackbone(MissRecBlock block) {
        block.freezeParameters(true);
        for (Pair<String, Block> child : block.getChildren()) {
            if (TRAINABLE_CHILDREN.contains(childName(child.getKey()))) {
                child.getValue().freezeParameters(false);
            }
        }
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (TRAINABLE_PARAMETERS.contains(p.getValue().getName())) {
                p.getValue().freeze(false);
            }
        }
        return block.trainableParameterCount();
    }

    /** DJL prefixes a child's name with its two-digit position ("01text_adaptor"). */
    private static String childName(String key) {
        return key.length() > 2
                        && Character.isDigit(key.charAt(0))
                        && Character.isDigit(key.charAt(1))
                ? key.substring(2)
                : key;
    }

    /**
     * Copies the weights of {@code from} into {@code to}, parameter by parameter. Both must have
     * the same network dimensions; their item catalogs may differ. The item-ID table is copied row
     * by row for the first {@code min(N_from, N_to)} items only when {@code sameItemIds} (the
     * target extends the source's catalog, as in an incremental update); otherwise, and for rows
     * past the source's catalog, the target keeps its own initialisation, N(0, 0.02) with a zero
     * PAD row as in the reference (model_utils.py:65-68). A source without an ID table
     * (pre-training, inductive) leaves the target's table as initialised, which is what the
     * reference's {@code strict=False} load does (finetune.py:54-65).
     *
     * <p>An adapter whose feature size differs (pre-trained on features of another encoder, e.g.
     * MiniLM text vs CLIP) cannot be transferred: the target keeps its freshly initialised adapter,
     * which efficient fine-tuning trains anyway, and its name is returned.
     *
     * @return the names of the parameters left at the target's initialisation for a feature-size
     *     mismatch (empty when everything but the ID table was copied)
     * @throws IllegalArgumentException if a shared non-adapter parameter differs in shape
     */
    public static List<String> copyWeights(
            MissRecModel from, MissRecModel to, boolean sameItemIds) {
        List<String> skipped = new ArrayList<>();
        Map<String, Parameter> source = byName(from.block());
        Map<String, Parameter> targets = byName(to.block());
        // an adapter moves as a whole or not at all: its bias alone would not fit its new weight
        Set<String> mismatchedAdapters = new HashSet<>();
        for (Map.Entry<String, Parameter> e : targets.entrySet()) {
            Parameter src = source.get(e.getKey());
            String owner = e.getKey().contains("/") ? e.getKey().split("/", 2)[0] : "";
            if (src != null
                    && (owner.equals("text_adaptor") || owner.equals("img_adaptor"))
                    && !src.getShape().equals(e.getValue().getShape())) {
                mismatchedAdapters.add(owner);
            }
        }
        for (Map.Entry<String, Parameter> e : targets.entrySet()) {
            Parameter src = source.get(e.getKey());
            if (src == null) {
                continue;
            }
            if (mismatchedAdapters.contains(e.getKey().split("/", 2)[0])) {
                skipped.add(e.getKey());
                continue;
            }
            NDArray target = e.getValue().getArray();
            NDArray value = src.getArray();
            if (e.getKey().equals("item_embedding")) {
                if (sameItemIds) {
                    long rows = Math.min(value.getShape().get(0), target.getShape().get(0));
                    target.set(new NDIndex("0:" + rows), value.get("0:" + rows));
                }
                continue;
            }
            if (!value.getShape().equals(target.getShape())) {
                throw new IllegalArgumentException(
                        "parameter "
                                + e.getKey()
                                + " is "
                                + value.getShape()
                                + " in the source and "
                                + target.getShape()
                                + " in the target: the networks differ");
            }
            target.set(new NDIndex(":"), value);
        }
        return skipped;
    }

    /**
     * Parameters keyed by a name independent of DJL's child numbering: the direct parameter's name,
     * or the child's name plus the parameter's path below it.
     */
    static Map<String, Parameter> byName(MissRecBlock block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(p.getValue().getName(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String prefix = childName(child.getKey());
            for (Pair<String, Parameter> p : child.getValue().getParameters()) {
                out.put(prefix + "/" + p.getKey(), p.getValue());
            }
        }
        return out;
    }
}
