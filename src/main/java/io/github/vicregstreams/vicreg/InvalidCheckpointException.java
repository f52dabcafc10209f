package io.github.vicregstreams.vicreg;

/** A checkpoint that cannot be restored: truncated, corrupt, of another format or model spec. */
public class InvalidCheckpointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, prefixed with "Invalid checkpoint: "
     */
    public InvalidCheckpointException(String message) {
        super("Invalid checkpoint: " + message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong
     * @param cause the underlying error
     */
    public InvalidCheckpointException(String message, Throwable cause) {
        super("Invalid checkpoint: " + message, cause);
    }

    /**
     * The exception for a checkpoint of another model spec than the caller needs.
     *
     * @param actual the checkpoint's spec
     * @param expected the configured spec
     * @return the exception, saying what to do
     */
    static InvalidCheckpointException forOtherSpec(ModelSpec actual, ModelSpec expected) {
        return new InvalidCheckpointException(
                "it is for model spec "
                        + actual
                        + " (input-hidden-projection), but "
                        + expected
                        + " is configured. Use a checkpoint of this spec or configure its spec.");
    }
}
