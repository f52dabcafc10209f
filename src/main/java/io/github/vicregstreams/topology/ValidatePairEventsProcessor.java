package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.PairEvent;
import io.github.vicregstreams.events.PairEventParser;
import io.github.vicregstreams.events.Parsed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the pair-events topic: a valid pair event goes straight to the pairs topic
 * as a {@link TrainingPair} — no pairing store, no second record — and anything else to the
 * dead-letter topic with its reason and original bytes. Never throws on bad input.
 */
final class ValidatePairEventsProcessor
    extends ContextualProcessor<byte[], byte[], Object, Object> {

  private final PairEventParser parser;
  private DeadLetterCounter deadLetters;

  ValidatePairEventsProcessor(PairEventParser parser) {
    this.parser = parser;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    super.init(context);
    deadLetters = new DeadLetterCounter(context, LearnerTopology.VALIDATE_PAIR_EVENTS);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Parsed<PairEvent> parsed = parser.parse(record.key(), record.value());
    if (parsed instanceof Parsed.Rejected<PairEvent> rejected) {
      deadLetters.reject(
          context(),
          record,
          SourceRecord.of(context(), record),
          rejected.reason(),
          rejected.detail(),
          LearnerTopology.PAIR_EVENTS_DEAD_LETTERS_SINK);
      return;
    }
    PairEvent event = parsed.value();
    // The record timestamp, as for a pair of views (the later of its two records').
    TrainingPair pair =
        new TrainingPair(
            event.id(), record.timestamp(), event.metadata(), event.view0(), event.view1());
    context()
        .forward(
            record.withKey((Object) event.id()).withValue(pair),
            LearnerTopology.PAIR_EVENTS_PAIRS_SINK);
  }

  @Override
  public void close() {
    if (deadLetters != null) {
      deadLetters.close();
    }
  }
}
