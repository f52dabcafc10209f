package io.github.vicregstreams.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.InterruptException;

/** When a started broker is ready: it answers a {@code describeCluster} request. */
final class BrokerReadiness {

    private BrokerReadiness() {}

    /**
     * Blocks until the broker behind {@code admin} answers, for at most {@code remainingMs}.
     *
     * @param notAnswering the message of the exception thrown when it does not
     * @throws IllegalStateException if it does not answer in time (or no time is left)
     * @throws InterruptException if the thread is interrupted while waiting
     */
    static void await(Admin admin, long remainingMs, Supplier<String> notAnswering) {
        if (remainingMs <= 0) {
            throw new IllegalStateException(notAnswering.get());
        }
        try {
            // The admin client retries internally until the option's time-out: one call is enough.
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) remainingMs))
                    .nodes()
                    .get(remainingMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new InterruptException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(notAnswering.get(), e);
        }
    }
}
