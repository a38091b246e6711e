package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The JSON codecs in OSGi: every encoder and decoder service is bound (DS {@code MULTIPLE} + {@code DYNAMIC}), and
 * the best of each — highest {@code service.ranking}, then lowest {@code service.id}, as for a unary reference — is
 * handed to {@link Codecs}. Holding them all means a codec that cannot be obtained (its component failed to activate)
 * is simply never added, and the one in service stays; when the best one leaves, the next is already bound.
 */
@Component(service = {}, immediate = true)
public final class JsonCodecComponent {

    private final Candidates<JsonEncoder> encoders = new Candidates<>(Codecs::setEncoder);
    private final Candidates<JsonDecoder> decoders = new Candidates<>(Codecs::setDecoder);

    @Reference(name = "encoder", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeEncoder")
    void addEncoder(JsonEncoder encoder, Map<String, Object> properties) {
        encoders.add(encoder, properties);
    }

    void removeEncoder(JsonEncoder encoder, Map<String, Object> properties) {
        encoders.remove(encoder);
    }

    @Reference(name = "decoder", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeDecoder")
    void addDecoder(JsonDecoder decoder, Map<String, Object> properties) {
        decoders.add(decoder, properties);
    }

    void removeDecoder(JsonDecoder decoder, Map<String, Object> properties) {
        decoders.remove(decoder);
    }

    /** The bound services of one kind; after each change the best one is published (null when none is left). */
    static final class Candidates<T> {

        private record Candidate<T>(T service, int ranking, long id) {
        }

        /** Highest ranking first, then the lowest id (the service registered first). */
        private static final Comparator<Candidate<?>> BEST_FIRST = Comparator
                .comparingInt((Candidate<?> c) -> -c.ranking()).thenComparingLong(Candidate::id);

        private final List<Candidate<T>> bound = new ArrayList<>();
        private final Consumer<T> publish;

        Candidates(Consumer<T> publish) {
            this.publish = publish;
        }

        synchronized void add(T service, Map<String, Object> properties) {
            Object ranking = properties.get(Constants.SERVICE_RANKING);
            Object id = properties.get(Constants.SERVICE_ID);
            bound.add(new Candidate<>(service, ranking instanceof Integer r ? r : 0,
                    id instanceof Long l ? l : Long.MAX_VALUE));
            publishBest();
        }

        synchronized void remove(T service) {
            bound.removeIf(c -> c.service() == service);
            publishBest();
        }

        private void publishBest() {
            publish.accept(bound.stream().min(BEST_FIRST).map(Candidate::service).orElse(null));
        }
    }
}
