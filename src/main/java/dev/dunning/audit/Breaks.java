package dev.dunning.audit;

import java.util.ArrayList;
import java.util.List;

/** The breaks found: the first {@value ChainVerifier#MAX_LISTED} listed, all counted. */
final class Breaks {

    final List<ChainVerifier.Broken> listed = new ArrayList<>();
    long count;
    Long fromSeq;
    Long toSeq;

    void add(ChainVerifier.Broken broken) {
        count++;
        if (listed.size() < ChainVerifier.MAX_LISTED) {
            listed.add(broken);
        }
    }

    void add(AuditRecord r, ChainVerifier.Kind kind, String problem) {
        add(new ChainVerifier.Broken(r.seq(), r.decisionId(), kind, problem));
    }

    int count() {
        return (int) Math.min(Integer.MAX_VALUE, count);
    }
}
