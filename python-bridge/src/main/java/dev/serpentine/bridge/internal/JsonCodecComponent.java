package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The JSON codecs in OSGi: the highest-ranked encoder and decoder services (DS {@code DYNAMIC} + {@code GREEDY}: a
 * better one is bound as soon as it registers, before the old one is unbound), handed to {@link Codecs}.
 */
@Component(service = {}, immediate = true)
public final class JsonCodecComponent {

    @Reference(name = "encoder", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeEncoder")
    void setEncoder(JsonEncoder encoder) {
        Codecs.setEncoder(encoder);
    }

    void removeEncoder(JsonEncoder encoder) {
        Codecs.removeEncoder(encoder);
    }

    @Reference(name = "decoder", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeDecoder")
    void setDecoder(JsonDecoder decoder) {
        Codecs.setDecoder(decoder);
    }

    void removeDecoder(JsonDecoder decoder) {
        Codecs.removeDecoder(decoder);
    }
}
