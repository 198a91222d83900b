package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saguaro.tools.mainjob.PredictionTraffic.TrafficSummary;

/**
 * Observations of one main job, for its summary and for the end-to-end test.
 *
 * @param firstRun the first automatic run as the runs API returned it at its end
 * @param firstEvaluation the held-out images scored against the first version
 * @param secondRun the second automatic run at its end
 * @param secondEvaluation the held-out images scored against the second version
 * @param switchTraffic prediction traffic sent while the second run trained and its version loaded
 */
public record MainJobResult(
    JsonNode firstRun,
    Evaluation firstEvaluation,
    JsonNode secondRun,
    Evaluation secondEvaluation,
    TrafficSummary switchTraffic) {}
