package io.sentimentstreams.inference.loop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Fencing events of one worker's transactional id in, whether they mean another live instance shares
 * that id out. One fencing is ordinary (a previous incarnation's zombie, a broker epoch bump); two live
 * instances with the same id fence each other in turn, each re-initialising its producer after the
 * other's. The instance that started within the window gives up at the second fencing, an older one only
 * at the fourth, so the newcomer (the usual misconfiguration) is the one that steps back.
 */
final class FencingWatch {

    static final Duration WINDOW = Duration.ofSeconds(60);
    static final int YOUNG_LIMIT = 2;
    static final int LIMIT = 4;

    private final long startedNanos;
    private final Deque<Long> recent = new ArrayDeque<>();

    FencingWatch(final long startedNanos) {
        this.startedNanos = startedNanos;
    }

    /** Records a fencing at {@code now}; true when the fencings within the window reach the limit. */
    boolean fenced(final long now) {
        recent.addLast(now);
        while (now - recent.peekFirst() > WINDOW.toNanos()) {
            recent.removeFirst();
        }
        final boolean young = now - startedNanos < WINDOW.toNanos();
        return recent.size() >= (young ? YOUNG_LIMIT : LIMIT);
    }

    /** Fencings within the window at the last {@link #fenced} call. */
    int count() {
        return recent.size();
    }
}
