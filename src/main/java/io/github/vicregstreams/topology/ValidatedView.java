package io.github.vicregstreams.topology;

import io.github.vicregstreams.events.ViewEvent;

/**
 * A view that passed validation, with the record it came from.
 *
 * @param event the parsed view
 * @param source the original record, kept for a dead letter should the view never be paired
 */
record ValidatedView(ViewEvent event, SourceRecord source) {}
