package io.github.vicregstreams.data;

/** The two parts of a dataset published with a fixed train/test split, like Fashion-MNIST. */
public enum Split {
    /** The training part: 60,000 samples for Fashion-MNIST. */
    TRAIN("train"),
    /** The test part: 10,000 samples for Fashion-MNIST. */
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /**
     * The prefix of this split's file names in the MNIST layout, e.g. {@code t10k}.
     *
     * @return the prefix
     */
    public String filePrefix() {
        return filePrefix;
    }
}
