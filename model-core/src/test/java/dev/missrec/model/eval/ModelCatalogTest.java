package dev.missrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missrec.model.baseline.MarkovChain;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    @Test
    void shouldKnowTheBaselinesByTheirCliNames() {
        ModelCatalog catalog = ModelCatalog.standard();
        assertThat(catalog.names()).contains("pop", "markov", "content");
        assertThat(catalog.trainer("markov")).isInstanceOf(MarkovChain.class);
        // a fresh trainer per lookup
        assertThat(catalog.trainer("markov")).isNotSameAs(catalog.trainer("markov"));
    }

    @Test
    void shouldListTheKnownModelsForAnUnknownName() {
        assertThatThrownBy(() -> ModelCatalog.standard().trainer("markof"))
                .isInstanceOf(ModelCatalog.UnknownModelException.class)
                .hasMessageContaining("unknown model 'markof'")
                .hasMessageContaining("pop, markov, markov-plus, content, content-plus");
    }

    @Test
    void shouldRefuseToRegisterANameTwice() {
        ModelCatalog catalog = new ModelCatalog().register("x", MarkovChain::new);
        assertThatThrownBy(() -> catalog.register("x", MarkovChain::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }
}
