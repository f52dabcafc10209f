package io.github.vicregstreams.events;

import java.util.Objects;

/**
 * Both augmented views of one sample in one record, on the pair-events topic: for producers that
 * make the two views together, so the learner need not pair them. See {@code
 * schemas/pair-event.schema.json}. The feature arrays are held as given, not copied: the parser
 * hands over arrays that nothing else holds, and a copy per view is what this input saves.
 *
 * @param id the sample id, 1 to {@value EventLimits#MAX_ID_LENGTH} characters; also the record key
 * @param view0 the features of view 0
 * @param view1 the features of view 1, as many as view 0's
 * @param timestamp epoch milliseconds, or null to use the Kafka record timestamp
 * @param metadata free-form JSON carried to the embedding, or null
 */
public record PairEvent(String id, float[] view0, float[] view1, Long timestamp, Metadata metadata)
        implements InputEvent {

    /**
     * Creates a pair event.
     *
     * @throws IllegalArgumentException if a value breaks the contract
     */
    public PairEvent {
        EventLimits.require(EventLimits.checkId(id));
        Objects.requireNonNull(view0, "view0 must not be null");
        Objects.requireNonNull(view1, "view1 must not be null");
        EventLimits.require(EventLimits.checkVector("view0", view0));
        EventLimits.require(EventLimits.checkVector("view1", view1));
        if (view0.length != view1.length) {
            throw new IllegalArgumentException(
                    "view0 and view1 must have as many features. Got: "
                            + view0.length
                            + " and "
                            + view1.length);
        }
        EventLimits.requireOptionalTimestamp(timestamp);
    }
}
