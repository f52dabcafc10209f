package io.github.vicregstreams.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be read as the format it claims: a bad header, truncated data, a
 * non-numeric CSV field. The message names the file and, where it helps, the line or byte offset.
 */
public class MalformedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param source the file, or a description of the source when it is not a file
     * @param message what is wrong, and with which value
     */
    public MalformedDataException(String source, String message) {
        super(source + ": " + message);
    }

    /**
     * Creates the exception for a file.
     *
     * @param file the file
     * @param message what is wrong, and with which value
     */
    public MalformedDataException(Path file, String message) {
        this(String.valueOf(file), message);
    }
}
