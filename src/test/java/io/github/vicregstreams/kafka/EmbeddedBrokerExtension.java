package io.github.vicregstreams.kafka;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker for a test class: started before its first test, stopped after its last.
 *
 * <pre>{@code
 * @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();
 * ... broker.get().bootstrapServers() ...
 * }</pre>
 */
public final class EmbeddedBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    /**
     * The running broker.
     *
     * @return the broker
     * @throws IllegalStateException outside the test class's lifetime
     */
    public EmbeddedKafkaBroker get() {
        if (broker == null) {
            throw new IllegalStateException("The broker runs only while the test class does");
        }
        return broker;
    }
}
