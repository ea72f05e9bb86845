package io.sentimentstreams.cli;

/** Bad command-line usage; {@link Main} prints the message as one line and exits with {@link Command#USAGE}. */
public final class UsageException extends RuntimeException {

    public UsageException(final String message) {
        super(message);
    }
}
