package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.ViewEvent;
import io.github.vicregstreams.events.ViewEventParser;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses each record of the views topic: a valid view goes on to pairing, anything else to the
 * dead-letter topic with its reason and original bytes. Never throws on bad input.
 */
final class ValidateViewsProcessor extends ContextualProcessor<byte[], byte[], Object, Object> {

  private final ViewEventParser parser;
  private DeadLetterCounter deadLetters;

  ValidateViewsProcessor(ViewEventParser parser) {
    this.parser = parser;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    super.init(context);
    deadLetters = new DeadLetterCounter(context, LearnerTopology.VALIDATE_VIEWS);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    SourceRecord source = SourceRecord.of(context(), record);
    Parsed<ViewEvent> parsed = parser.parse(record.key(), record.value());
    if (parsed instanceof Parsed.Rejected<ViewEvent> rejected) {
      deadLetters.reject(
          context(),
          record,
          source,
          rejected.reason(),
          rejected.detail(),
          LearnerTopology.DEAD_LETTERS_SINK);
      return;
    }
    ViewEvent event = parsed.value();
    context()
        .forward(
            record.withKey((Object) event.id()).withValue(new ValidatedView(event, source)),
            LearnerTopology.PAIR_VIEWS);
  }

  @Override
  public void close() {
    if (deadLetters != null) {
      deadLetters.close();
    }
  }
}
