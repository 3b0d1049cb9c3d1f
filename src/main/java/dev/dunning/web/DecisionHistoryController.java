package dev.dunning.web;

import dev.dunning.decisions.DecisionService;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
class DecisionHistoryController {

    private final DecisionService decisions;
    private final JsonMapper json;

    DecisionHistoryController(DecisionService decisions, JsonMapper json) {
        this.decisions = decisions;
        this.json = json;
    }

    /** A page of the customer's decision history, newest first; each decision exactly as it was answered. */
    record HistoryPage(String customerId, int page, int size, long total, List<JsonNode> decisions) {}

    @GetMapping(path = "/api/v1/customers/{id}/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
    HistoryPage history(
            @PathVariable String id,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        DecisionService.History history = decisions.history(id, page, size);
        return new HistoryPage(history.customerId(), page, size, history.total(),
                history.decisions().stream().map(d -> json.readTree(d.body())).toList());
    }
}
