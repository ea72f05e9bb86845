package io.sentimentstreams.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.WireName;
import java.util.List;

/** A tokenizer a {@link PipelineConfig} may name: its wire name in bundles and CLI options in, the constant out. */
public enum Tokenizer implements WireName {
    /** NLTK {@code word_tokenize} (Treebank). */
    TREEBANK("treebank"),
    /** NLTK {@code wordpunct_tokenize}. */
    WORDPUNCT("wordpunct"),
    /** Keras {@code text_to_word_sequence} with the config's filters. */
    KERAS("keras"),
    /** KoNLPy Okt morphemes. */
    OKT("okt"),
    /** Lucene Nori morphemes. */
    NORI("nori"),
    /** Lucene Nori morphemes keeping punctuation and symbols. */
    NORI_PUNCT("nori-punct");

    /** The wire names, in declaration order. */
    public static final List<String> NAMES = WireName.names(Tokenizer.class);

    private final String wireName;

    Tokenizer(final String wireName) {
        this.wireName = wireName;
    }

    /** The constant named exactly {@code name}; otherwise an error naming the value and the allowed ones. */
    @JsonCreator
    public static Tokenizer of(final String name) {
        return WireName.parse(Tokenizer.class, "tokenizer", name);
    }

    /** What a config that names no tokenizer uses: Okt for Korean, Treebank otherwise. */
    public static Tokenizer defaultFor(final Lang lang) {
        return lang == Lang.KO ? OKT : TREEBANK;
    }

    @Override
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The wire name, so log lines and messages read as before the enum. */
    @Override
    public String toString() {
        return wireName;
    }
}
