package dev.serpentine.bridge.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which of the bound codec services is in use ({@link JsonCodecComponent.Candidates}): highest
 * {@code service.ranking}, then lowest {@code service.id}; a service that leaves hands over to the next one bound,
 * and one that never binds (it failed to activate) changes nothing.
 */
class CodecCandidatesTest {

    private final List<String> published = new ArrayList<>();
    private final JsonCodecComponent.Candidates<String> candidates = new JsonCodecComponent.Candidates<>(published::add);

    private static Map<String, Object> service(long id, Integer ranking) {
        return ranking == null ? Map.of("service.id", id) : Map.of("service.id", id, "service.ranking", ranking);
    }

    @Test
    void theHighestRankingThenTheLowestIdIsInUse() {
        candidates.add("release-1", service(40, null));
        candidates.add("release-2", service(41, null)); // same ranking (0), registered later: release 1 stays
        candidates.add("ranked", service(42, 10));
        candidates.add("ranked-later", service(43, 10));
        candidates.add("negative", service(39, -5));
        assertEquals(List.of("release-1", "release-1", "ranked", "ranked", "ranked"), published);
    }

    @Test
    void whenTheOneInUseLeavesTheNextBoundOneTakesOverAtOnce() {
        candidates.add("release-1", service(40, null));
        candidates.add("release-2", service(41, null));
        candidates.add("ranked", service(42, 10));
        published.clear();
        candidates.remove("ranked");
        candidates.remove("release-1");
        candidates.remove("release-2");
        // never a null while another one is bound; null once none is
        assertEquals(java.util.Arrays.asList("release-1", "release-2", null), published);
    }

    @Test
    void removingOneNotInUseKeepsTheOneInUse() {
        candidates.add("release-1", service(40, null));
        candidates.add("release-2", service(41, null));
        published.clear();
        candidates.remove("release-2");
        assertEquals(List.of("release-1"), published);
    }
}
