package io.sentimentstreams.text;

import java.util.Set;

/**
 * Named stopword lists in, word sets out: {@code none}; {@code nltk-en}, NLTK's classic 179-word English list
 * ({@code stopwords.words('english')}); {@code ko-josa}, Korean particles (josa) and copula forms, for Okt
 * and Nori tokens. Lists live in {@code src/main/resources/io/sentimentstreams/text/stopwords-*.txt}.
 */
public final class Stopwords {

    public static final String NONE = "none";
    public static final String NLTK_EN = "nltk-en";
    public static final String KO_JOSA = "ko-josa";

    private static final class Holder {
        static final Set<String> EN = Resources.wordSet("stopwords-nltk-en.txt");
        static final Set<String> KO = Resources.wordSet("stopwords-ko-josa.txt");
    }

    private Stopwords() {
    }

    /** The list called {@code name}; unknown names are an {@link IllegalArgumentException}. */
    public static Set<String> named(final String name) {
        if (name == null || name.isBlank() || NONE.equals(name)) {
            return Set.of();
        }
        return switch (name) {
            case NLTK_EN -> Holder.EN;
            case KO_JOSA -> Holder.KO;
            default -> throw new IllegalArgumentException("unknown stopword list '" + name
                    + "' (none, nltk-en, ko-josa)");
        };
    }
}
