package dev.dunning.demo;

import dev.dunning.decision.Outcome;
import java.util.SplittableRandom;

/**
 * How generated messages fare and whether their customers pay: plausible rates that differ by channel, tone and
 * stage (docs/demo-data.md, "Past decisions"). Pure: the same random stream gives the same answers.
 */
final class Outcomes {

    private Outcomes() {}

    /** The furthest the contact events of a sent message got. */
    static Outcome outcome(String channel, String tone, int stage, SplittableRandom rng) {
        double r = rng.nextDouble();
        return switch (channel == null ? "NONE" : channel) {
            case "EMAIL" -> {
                if (r < 0.05) {
                    yield Outcome.BOUNCED;
                }
                double opened = switch (tone == null ? "" : tone) {
                    case "FRIENDLY" -> 0.50;
                    case "NEUTRAL" -> 0.45;
                    case "FIRM" -> 0.40;
                    default -> 0.35;
                } - 0.03 * Math.max(0, stage - 1);
                double s = rng.nextDouble();
                if (s >= opened) {
                    yield Outcome.DELIVERED;
                }
                yield rng.nextDouble() < 0.12 ? Outcome.REPLIED : Outcome.OPENED;
            }
            // No read receipts for texts: delivered, sometimes answered.
            case "SMS" -> r < 0.02 ? Outcome.BOUNCED : r < 0.95
                    ? (rng.nextDouble() < 0.06 ? Outcome.REPLIED : Outcome.DELIVERED) : Outcome.SENT;
            // Tracked letters report delivery; some come back.
            case "LETTER" -> r < 0.03 ? Outcome.BOUNCED : r < 0.58 ? Outcome.DELIVERED : Outcome.SENT;
            // A call reaches the customer, rings out, or ends on voicemail.
            case "PHONE" -> r < 0.40 ? Outcome.CONVERSATION : r < 0.75 ? Outcome.FAILED : Outcome.SENT;
            default -> Outcome.SENT;
        };
    }

    /**
     * The chance that the customer pays after this decision (before the next one): falls with the stage, is higher
     * after a friendly word than a formal one, and follows how far the message got. {@code outcome} is null for a
     * decision that sent nothing.
     */
    static double payChance(String channel, String tone, int stage, Outcome outcome) {
        double base = switch (Math.max(1, stage)) {
            case 1 -> 0.32;
            case 2 -> 0.26;
            case 3 -> 0.22;
            case 4 -> 0.18;
            default -> 0.10;
        };
        double byTone = switch (tone == null ? "" : tone) {
            case "FRIENDLY" -> 1.15;
            case "NEUTRAL" -> 1.0;
            case "FIRM" -> 0.9;
            case "FORMAL" -> 0.85;
            default -> 1.0;
        };
        double byChannel = switch (channel == null ? "NONE" : channel) {
            case "EMAIL" -> 1.0;
            case "SMS" -> 1.1;
            case "LETTER" -> 0.9;
            case "PHONE" -> 1.05;
            default -> 0.5;
        };
        double byOutcome = outcome == null ? 1.0 : switch (outcome) {
            case BOUNCED -> 0.35;
            case FAILED -> 0.6;
            case SENT -> 0.85;
            case DELIVERED -> 1.0;
            case OPENED -> 1.3;
            case REPLIED -> 1.5;
            case CONVERSATION -> 1.6;
            default -> 1.0; // an outcome added later counts as a plain send
        };
        return Math.min(0.95, base * byTone * byChannel * byOutcome);
    }

    /**
     * Days from the decision to the payment: three in four within the attribution window's usual 14 days (most in the
     * first week), the rest 15 to 40 days later, when the payment no longer counts for this contact.
     */
    static int daysToPay(SplittableRandom rng) {
        if (rng.nextInt(4) < 3) {
            return 1 + Math.min(12, (int) Math.floor(-Math.log(1 - rng.nextDouble()) * 4));
        }
        return 15 + rng.nextInt(26);
    }
}
