package io.github.vicregstreams.topology;

/**
 * For integration tests outside this package: the two views of a record of the pairs topic, decoded
 * with the trainer's own codec.
 */
public final class PairsTopicRecords {

    private PairsTopicRecords() {}

    /**
     * Decodes a record value of the pairs topic.
     *
     * @param value the record value
     * @return view 0 and view 1 of the pair
     */
    public static float[][] views(byte[] value) {
        TrainingPair pair = TrainingPair.decode(value);
        return new float[][] {pair.view0(), pair.view1()};
    }
}
