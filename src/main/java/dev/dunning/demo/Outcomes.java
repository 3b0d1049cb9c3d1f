package dev.dunning.demo;

import dev.dunning.decision.Complaint;
import dev.dunning.decision.Outcome;
import java.time.Duration;
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

    /** A complaint about a generated message, and how long after the send it was reported. */
    record Complained(Complaint kind, Duration after) {}

    /**
     * Whether the recipient complains about a sent message, and how: e-mails that arrived are marked as spam by 0.10 %
     * (friendly) to 0.28 % (formal) of recipients, 0.03 points more per stage after the first; texts that did not
     * bounce are answered with STOP by 1.0 % (friendly) to 1.9 % (formal), 0.1 points more per stage; a few customers
     * complain to a person (0.05 % of e-mails and 0.1 % of texts, 1.5 % of calls that reached them and 0.2 % of the
     * others, 0.3 % of letters, 0.4 % of formal ones). Nothing comes of a bounced message. Spam reports come within
     * two days (most within hours), STOP replies within three hours, complaints to a person within three days. Draws
     * the same two numbers whatever the answer.
     */
    static Complained complaint(String channel, String tone, int stage, Outcome outcome, SplittableRandom rng) {
        double r = rng.nextDouble();
        double delay = rng.nextDouble();
        if (outcome == null || outcome == Outcome.BOUNCED) {
            return null;
        }
        int later = Math.max(0, stage - 1);
        double byTone = switch (tone == null ? "" : tone) {
            case "FRIENDLY" -> 0;
            case "NEUTRAL" -> 1;
            case "FIRM" -> 2;
            default -> 3; // FORMAL
        };
        double spam = 0;
        double stop = 0;
        double person;
        switch (channel == null ? "NONE" : channel) {
            case "EMAIL" -> {
                spam = 0.0010 + 0.0006 * byTone + 0.0003 * later;
                person = 0.0005;
            }
            case "SMS" -> {
                stop = 0.010 + 0.003 * byTone + 0.001 * later;
                person = 0.001;
            }
            case "PHONE" -> person = outcome == Outcome.CONVERSATION ? 0.015 : 0.002;
            case "LETTER" -> person = byTone >= 3 ? 0.004 : 0.003;
            default -> person = 0; // instructions to the billing system reach no one
        }
        if (r < spam) {
            return new Complained(Complaint.SPAM_REPORT, minutes(delay, 10, 2 * 24 * 60));
        }
        if (r < spam + stop) {
            return new Complained(Complaint.STOP_REPLY, minutes(delay, 1, 3 * 60));
        }
        if (r < spam + stop + person) {
            return new Complained(Complaint.CUSTOMER, minutes(delay, 60, 3 * 24 * 60));
        }
        return null;
    }

    /** From {@code min} to {@code max} minutes, most of them early (the square of a uniform draw). */
    private static Duration minutes(double u, int min, int max) {
        return Duration.ofMinutes(min + (long) Math.floor(u * u * (max - min)));
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
