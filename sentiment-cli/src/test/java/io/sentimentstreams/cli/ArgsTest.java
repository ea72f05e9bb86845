package io.sentimentstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Tokenizer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Enum-valued options parse through the enums and name the allowed values when wrong. */
class ArgsTest {

    private static Args args(final String... argv) {
        return Args.parse(List.of(argv), Set.of("lang", "tokenizer", "padding", "pooling"), Set.of());
    }

    @Test
    void enumOptionsParseTheirWireNamesOrFallBack() {
        final Args a = args("--lang", "ko", "--tokenizer=nori-punct", "--padding", "post");
        assertThat(a.getEnum("lang", Lang::of, Lang.EN)).isEqualTo(Lang.KO);
        assertThat(a.getEnum("tokenizer", Tokenizer::of, Tokenizer.OKT)).isEqualTo(Tokenizer.NORI_PUNCT);
        assertThat(a.getEnum("padding", PadSide::of, PadSide.PRE)).isEqualTo(PadSide.POST);
        assertThat(a.getEnum("pooling", Pooling::of, Pooling.MAX)).isEqualTo(Pooling.MAX);
    }

    @Test
    void anUnknownNameIsAUsageErrorListingTheAllowedOnes() {
        assertThatThrownBy(() -> args("--lang", "fr").getEnum("lang", Lang::of, Lang.EN))
                .isInstanceOf(UsageException.class).hasMessage("--lang must be en or ko, got 'fr'");
        assertThatThrownBy(() -> args("--tokenizer", "spacy").getEnum("tokenizer", Tokenizer::of, Tokenizer.OKT))
                .isInstanceOf(UsageException.class)
                .hasMessage("--tokenizer must be treebank, wordpunct, keras, okt, nori or nori-punct, got 'spacy'");
        assertThatThrownBy(() -> args("--pooling", "attention").getEnum("pooling", Pooling::of, Pooling.MAX))
                .isInstanceOf(UsageException.class).hasMessage("--pooling must be last, max or mean, got 'attention'");
        assertThat(Args.oneOf(List.of("pre"))).isEqualTo("pre");
    }
}
