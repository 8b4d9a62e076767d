package dev.missrec.model.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/** Proves libtorch loads offline from the Maven Central native jar and can train. */
class DjlEngineSmokeTest {

    @Test
    void shouldLoadPyTorchOfflineAndLowerTheLossWithAdam() {
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        Engine engine = Engine.getEngine("PyTorch");
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");

        SequentialBlock net =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(16).build())
                        .add(Activation::gelu)
                        .add(Linear.builder().setUnits(1).build());
        try (Model model = Model.newInstance("smoke", "PyTorch")) {
            model.setBlock(net);
            DefaultTrainingConfig cfg =
                    new DefaultTrainingConfig(Loss.l2Loss())
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(Tracker.fixed(0.05f))
                                            .build());
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(32, 4));
                NDManager m = trainer.getManager();
                NDArray x = m.randomUniform(-1, 1, new Shape(32, 4), DataType.FLOAT32);
                // a fixed linear target the network can fit
                NDArray y = x.matMul(m.create(new float[] {1f, -2f, 0.5f, 3f}, new Shape(4, 1)));
                float first = step(trainer, x, y);
                float last = first;
                for (int i = 0; i < 100; i++) {
                    last = step(trainer, x, y);
                }
                assertThat(last).isLessThan(first * 0.1f);
            }
        }
    }

    private static float step(Trainer trainer, NDArray x, NDArray y) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
            gc.backward(loss);
            float value = loss.getFloat();
            trainer.step();
            return value;
        }
    }
}
