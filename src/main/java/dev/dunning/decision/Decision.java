package dev.dunning.decision;

import static dev.dunning.decision.RuleParam.Kind.ACTION;
import static dev.dunning.decision.RuleParam.Kind.CHANNEL;
import static dev.dunning.decision.RuleParam.Kind.CHANNEL_LIST;
import static dev.dunning.decision.RuleParam.Kind.DECIMAL;
import static dev.dunning.decision.RuleParam.Kind.TEXT;
import static dev.dunning.decision.RuleParam.Kind.TONE;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of one evaluation, written only by rules through the intention-revealing methods below, each of which
 * also records which rule did what (the trace). It is available to rules as the global {@code decision} and as a fact
 * (so later groups can match on what earlier groups decided).
 *
 * <p>Within the escalation, tone and channel groups the first matching row wins; a later match that would decide the
 * same thing is recorded as overridden and changes nothing. Guardrail methods ({@link #redirect}, {@link #defer},
 * {@link #barChannel}, {@link #hold}) change the decision on purpose and say why.
 */
public final class Decision {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final DunningCase dunningCase;

    private Action action;
    private int stage;
    private Tone tone;
    private Channel channel = Channel.NONE;
    private String template;
    private List<String> invoiceIds = List.of();
    private Instant notBefore;
    private LocalDate nextReviewOn;
    private final List<Fee> fees = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    private final List<Hold> holdsApplied = new ArrayList<>();
    private boolean closed;

    private Integer daysBetweenContacts;
    private List<Channel> channelPreference;
    private final Map<Channel, String> barred = new LinkedHashMap<>();
    private Integer contactFromHour;
    private Integer contactUntilHour;
    private Integer maxCallsPer7Days;
    private Integer quietDaysAfterConversation;

    private final List<TraceEntry> trace = new ArrayList<>();
    private Match current;
    private Match proposedBy;

    public Decision(DunningCase dunningCase) {
        this.dunningCase = dunningCase;
    }

    // --- called by the engine around each fired rule ------------------------------------------------------------

    /** Opens the trace entry of a rule that is about to fire; {@code fact} is the first fact it matched. */
    public void beginMatch(
            String rule, String source, String sheet, Integer row, Integer line, String group, Map<String, Object> metadata,
            Object fact) {
        current = new Match(rule, source, sheet, row, line, group, metadata, fact);
    }

    public void endMatch() {
        if (current != null) {
            trace.add(current.toEntry());
            current = null;
        }
    }

    // --- escalation: propose the next step (first matching row wins) -------------------------------------------

    /**
     * Proposes the next step. From a ladder row (matching an {@link Exposure}) the step covers all of the customer's
     * overdue invoices, in one message; from a row matching an {@link InvoiceCase} it covers that invoice.
     */
    public void propose(@RuleParam(ACTION) String actionCode) {
        Action proposed = Catalogue.require(Action.class, actionCode);
        if (closed) {
            effect("not applied: " + proposed + " (the decision was already settled)");
            overridden();
            return;
        }
        if (action != null) {
            effect("not applied: " + proposed + " (" + action + " was already chosen by " + describe(proposedBy) + ")");
            overridden();
            return;
        }
        action = proposed;
        proposedBy = current;
        Object fact = current == null ? null : current.fact;
        if (fact instanceof InvoiceCase invoice) {
            invoiceIds = List.of(invoice.getInvoiceId());
            reasons.add(label(proposed) + " because " + invoice);
        } else {
            invoiceIds = dunningCase.getOverdueInvoiceIds();
            reasons.add(label(proposed) + " because " + (fact != null ? fact : "the rules said so"));
        }
        effect("proposed " + proposed);
    }

    /** Stage of the proposed step on the escalation ladder (1 = first reminder). */
    public void stage(int stage) {
        if (appliesToProposal("stage " + stage)) {
            this.stage = stage;
        }
    }

    /** Message template id; by default {@code <action>-<tone>} in lower case with hyphens, e.g. final-notice-formal. */
    public void template(@RuleParam(TEXT) String templateId) {
        if (appliesToProposal("template " + templateId)) {
            this.template = templateId;
        }
    }

    /** The least number of days between two contacts the proposed step allows. */
    public void daysBetweenContacts(int days) {
        if (appliesToProposal(days + " days between contacts")) {
            this.daysBetweenContacts = days;
        }
    }

    // --- tone and channel (first matching row wins) ------------------------------------------------------------

    public void tone(@RuleParam(TONE) String toneCode) {
        Tone wanted = Catalogue.require(Tone.class, toneCode);
        if (tone != null) {
            effect("not applied: tone " + wanted + " (" + tone + " already chosen)");
            overridden();
            return;
        }
        tone = wanted;
        effect("tone " + wanted);
    }

    /** The channels to try, best first; the first one that is consented and not barred is used. */
    public void channels(@RuleParam(CHANNEL_LIST) String channelCodes) {
        List<Channel> wanted = Arrays.stream(channelCodes.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(code -> Catalogue.require(Channel.class, code))
                .toList();
        if (channelPreference != null) {
            effect("not applied: channels " + wanted + " (" + channelPreference + " already chosen)");
            overridden();
            return;
        }
        channelPreference = wanted;
        effect("channels " + wanted);
    }

    /** Contact only between these local hours (from inclusive, until exclusive), in the customer's time zone. */
    public void contactWindow(int fromHour, int untilHour) {
        if (contactFromHour != null) {
            effect("not applied: contact window (already set)");
            overridden();
            return;
        }
        if (fromHour < 0 || untilHour > 24 || fromHour >= untilHour) {
            throw new IllegalArgumentException(
                    "contact window " + fromHour + "-" + untilHour + " must satisfy 0 <= from < until <= 24");
        }
        contactFromHour = fromHour;
        contactUntilHour = untilHour;
        effect("contact only " + fromHour + ":00-" + untilHour + ":00 local time");
    }

    /** Call limits: at most {@code maxCalls} attempts in 7 days, none within {@code daysAfterConversation} of a talk. */
    public void callLimits(int maxCalls, int daysAfterConversation) {
        if (maxCallsPer7Days != null) {
            effect("not applied: call limits (already set)");
            overridden();
            return;
        }
        maxCallsPer7Days = maxCalls;
        quietDaysAfterConversation = daysAfterConversation;
        effect("at most " + maxCalls + " calls in 7 days, none within " + daysAfterConversation
                + " days after a conversation");
    }

    // --- holds and guardrails (override on purpose, always with a reason) --------------------------------------

    /**
     * Pauses dunning for the customer-wide hold in force (or, when every overdue invoice is disputed, for the
     * disputes), until the hold ends; an open-ended hold is reviewed {@code reviewAfterDays} after it began.
     */
    public void hold(int reviewAfterDays) {
        if (closed) {
            effect("not applied: the decision was already settled by " + describe(proposedBy));
            overridden();
            return;
        }
        LocalDate today = dunningCase.getToday();
        var customerHold = dunningCase.customerHold();
        String why;
        if (customerHold.isPresent()) {
            Hold hold = customerHold.get();
            holdsApplied.add(hold);
            nextReviewOn = hold.until() != null ? hold.until().plusDays(1) : later(hold.from().plusDays(reviewAfterDays));
            why = "Dunning paused: " + label(hold.kind()) + " since " + hold.from()
                    + (hold.until() != null ? " until " + hold.until() : " with no agreed end");
        } else {
            dunningCase.getActiveHolds().stream().filter(h -> !h.coversCustomer()).forEach(holdsApplied::add);
            nextReviewOn = later(today.plusDays(reviewAfterDays));
            LocalDate nextFallsDue = dunningCase.getNextDueDate();
            if (nextFallsDue != null && nextFallsDue.plusDays(1).isBefore(nextReviewOn)) {
                nextReviewOn = later(nextFallsDue.plusDays(1)); // the undisputed invoice must not wait for the dispute
            }
            why = "Dunning paused: every overdue invoice is disputed ("
                    + String.join(", ", dunningCase.getDisputedInvoiceNumbers()) + ")";
        }
        action = Action.HOLD;
        channel = Channel.NONE;
        invoiceIds = List.of();
        stage = dunningCase.getStageReached();
        proposedBy = current;
        reasons.add(why + "; next review on " + nextReviewOn);
        closed = true;
        effect("hold until review on " + nextReviewOn);
    }

    /** Replaces the proposed action, e.g. by MANUAL_REVIEW for a vulnerable customer. */
    public void redirect(@RuleParam(ACTION) String actionCode, @RuleParam(TEXT) String why) {
        Action to = Catalogue.require(Action.class, actionCode);
        Action from = action;
        action = to;
        if (!to.contactsCustomer()) {
            channel = Channel.NONE;
        }
        reasons.add(why);
        effect((from == null ? "set " : "replaced " + from + " by ") + to);
    }

    /** Bars one channel for this decision; the next consented channel in the preference list is used instead. */
    public void barChannel(@RuleParam(CHANNEL) String channelCode, @RuleParam(TEXT) String why) {
        Channel c = Catalogue.require(Channel.class, channelCode);
        barred.putIfAbsent(c, why);
        effect("barred " + c + ": " + why);
    }

    /** Holds the proposed contact back until the interval since the last contact has passed. */
    public void waitForInterval() {
        if (!isContactsCustomer()) {
            // An earlier guardrail of this group already turned the step into one that contacts nobody.
            effect("not applied: " + action + " contacts nobody");
            overridden();
            return;
        }
        if (daysBetweenContacts == null || dunningCase.getLastContactAt() == null) {
            return;
        }
        LocalDate due = dunningCase
                .getLastContactAt()
                .atZone(dunningCase.getLocalDateTime().getZone())
                .toLocalDate()
                .plusDays(daysBetweenContacts);
        defer(due, "Last contact was " + dunningCase.getDaysSinceLastContact() + " day(s) ago; the policy asks for "
                + daysBetweenContacts + " days between contacts, so " + label(action) + " waits until " + due);
    }

    /** Decides to do nothing now and to look again on {@code reviewOn}. */
    public void defer(LocalDate reviewOn, @RuleParam(TEXT) String why) {
        Action from = action;
        action = Action.NO_ACTION;
        channel = Channel.NONE;
        nextReviewOn = reviewOn;
        reasons.add(why);
        effect((from == null ? "" : "deferred " + from + ": ") + "no action until " + reviewOn);
    }

    /** Adds an explanation to the decision without changing it. */
    public void because(@RuleParam(TEXT) String reason) {
        reasons.add(reason);
        effect("noted: " + reason);
    }

    /** The fallback: nothing to do, for the given reason, unless an earlier rule decided something. */
    public void noAction(@RuleParam(TEXT) String reason) {
        if (action != null) {
            overridden();
            return;
        }
        action = Action.NO_ACTION;
        proposedBy = current;
        reasons.add(reason);
        effect("no action: " + reason);
    }

    // --- fees and interest (suggested, per overdue invoice of a business customer) -----------------------------

    /** Suggests a fixed late-payment compensation for the matched invoice, in its currency. */
    public void lateCompensation(@RuleParam(DECIMAL) String amount) {
        InvoiceCase invoice = matchedInvoice("lateCompensation");
        BigDecimal value = new BigDecimal(amount.trim()).setScale(2, RoundingMode.HALF_UP);
        fees.add(new Fee(Fee.COMPENSATION, invoice.getInvoiceId(), invoice.getCurrency(), value,
                "fixed compensation per late invoice (" + invoice.getNumber() + ")"));
        effect("suggested compensation " + invoice.getCurrency() + " " + value.toPlainString());
    }

    /**
     * Suggests simple interest on the matched invoice's outstanding amount from the day after its due date:
     * outstanding x (reference rate + points) / 100 / 365 x days overdue.
     */
    public void lateInterest(@RuleParam(DECIMAL) String referenceRatePercent, @RuleParam(DECIMAL) String pointsAbove) {
        InvoiceCase invoice = matchedInvoice("lateInterest");
        BigDecimal rate = new BigDecimal(referenceRatePercent.trim()).add(new BigDecimal(pointsAbove.trim()));
        BigDecimal value = invoice.getOutstanding()
                .multiply(rate)
                .multiply(BigDecimal.valueOf(invoice.getDaysOverdue()))
                .divide(BigDecimal.valueOf(36_500), 2, RoundingMode.HALF_UP);
        fees.add(new Fee(Fee.INTEREST, invoice.getInvoiceId(), invoice.getCurrency(), value,
                rate.stripTrailingZeros().toPlainString() + "% a year on " + invoice.getOutstanding().toPlainString()
                        + " for " + invoice.getDaysOverdue() + " days (" + invoice.getNumber() + ")"));
        effect("suggested interest " + invoice.getCurrency() + " " + value.toPlainString());
    }

    // --- champion/challenger: the champion's guardrails hold in the challenger arm ------------------------------

    /**
     * For a decision of the challenger arm of a test, after its rules and before {@link #finish()}: what the champion
     * decided on the same case about holds, contact hours and call limits still applies. A challenger may change
     * escalation, tone and channel, never lift these: a hold of the champion replaces whatever the challenger chose;
     * the contact hours are the narrower of the two; the champion's call limits bar the phone as the champion's would,
     * and every channel the champion barred stays barred. Consent and do-not-contact are checked by {@link #finish()}
     * in every arm anyway.
     */
    public void keepGuardrailsOf(Decision champion) {
        String kept = " (a guardrail of the champion rule set, kept in the challenger arm)";
        if (champion.action == Action.HOLD) {
            if (action != Action.HOLD) {
                Action from = action;
                action = Action.HOLD;
                channel = Channel.NONE;
                invoiceIds = List.of();
                stage = champion.stage;
                nextReviewOn = champion.nextReviewOn;
                holdsApplied.clear();
                holdsApplied.addAll(champion.holdsApplied);
                closed = true;
                reasons.add("Instead of " + (from == null ? "deciding" : label(from)) + ": "
                        + champion.reasons.stream().filter(r -> r.startsWith("Dunning paused")).findFirst()
                                .orElse("dunning paused") + kept);
            }
            return;
        }
        if (champion.contactFromHour != null) {
            int from = contactFromHour == null ? champion.contactFromHour
                    : Math.max(contactFromHour, champion.contactFromHour);
            int until = contactUntilHour == null ? champion.contactUntilHour
                    : Math.min(contactUntilHour, champion.contactUntilHour);
            if (from >= until) {
                from = champion.contactFromHour;
                until = champion.contactUntilHour;
            }
            if (!Integer.valueOf(from).equals(contactFromHour) || !Integer.valueOf(until).equals(contactUntilHour)) {
                contactFromHour = from;
                contactUntilHour = until;
                reasons.add("Contact only " + from + ":00-" + until + ":00 local time" + kept);
            }
        }
        if (champion.maxCallsPer7Days != null && dunningCase.getCallsLast7Days() >= champion.maxCallsPer7Days) {
            barred.putIfAbsent(Channel.PHONE, dunningCase.getCallsLast7Days()
                    + " call attempts in the last 7 days reach the limit of " + champion.maxCallsPer7Days + kept);
        }
        Integer sinceTalk = dunningCase.getDaysSinceLastConversation();
        if (champion.quietDaysAfterConversation != null && sinceTalk != null
                && sinceTalk < champion.quietDaysAfterConversation) {
            barred.putIfAbsent(Channel.PHONE, "a conversation took place " + sinceTalk + " day(s) ago" + kept);
        }
        champion.barred.forEach((c, why) -> barred.putIfAbsent(c, why + kept));
    }

    // --- after the last group: settle channel, timing and defaults ---------------------------------------------

    /** Completes the decision after the rules: never empty, never a channel without consent, never in quiet hours. */
    public void finish() {
        current = null;
        if (action == null) {
            action = Action.NO_ACTION;
            reasons.add("no rule matched");
        }
        if (action.contactsCustomer()) {
            settleChannel();
        }
        if (action.contactsCustomer()) {
            if (tone == null) {
                tone = Tone.NEUTRAL;
                reasons.add("No tone rule matched; NEUTRAL wording is used");
            }
            if (template == null) {
                template = (action.name() + "-" + tone.name()).toLowerCase(Locale.ROOT).replace('_', '-');
            }
            applyQuietHours();
            if (nextReviewOn == null && daysBetweenContacts != null) {
                nextReviewOn = dunningCase.getToday().plusDays(daysBetweenContacts);
            }
        } else {
            // Nobody is written to, so there is no wording; a hand-over or suspension keeps its tone for the notice
            // the approving person sends.
            tone = action.requiresApproval() ? tone : null;
            channel = Channel.NONE;
            notBefore = null;
        }
        if (action == Action.NO_ACTION || action == Action.HOLD) {
            stage = dunningCase.getStageReached();
            invoiceIds = List.of();
            if (nextReviewOn == null && dunningCase.getNextDueDate() != null && !dunningCase.isOverdue()) {
                nextReviewOn = dunningCase.getNextDueDate().plusDays(1);
            }
        }
        if (action.requiresApproval()) {
            reasons.add(label(action) + " has legal effect for the customer: a person must approve it");
        }
    }

    private void settleChannel() {
        if (dunningCase.isDoNotContact()) {
            redirectToPerson("The customer asked not to be contacted");
            return;
        }
        if (channelPreference == null || channelPreference.isEmpty()) {
            redirectToPerson("No channel rule matched " + label(action));
            return;
        }
        List<String> skipped = new ArrayList<>();
        Channel chosen = null;
        for (Channel candidate : channelPreference) {
            if (candidate == Channel.NONE) {
                continue;
            }
            if (barred.containsKey(candidate)) {
                skipped.add(candidate + " (" + barred.get(candidate) + ")");
            } else if (!dunningCase.getCustomer().consentsTo(candidate)) {
                skipped.add(candidate + " (no consent)");
            } else {
                chosen = candidate;
                break;
            }
        }
        if (chosen == null) {
            redirectToPerson("No permitted channel for " + label(action) + ": " + String.join(", ", skipped));
            return;
        }
        if (!skipped.isEmpty()) {
            reasons.add("Not by " + String.join(", ", skipped) + "; using " + chosen);
        }
        if (action == Action.PHONE_CALL && chosen != Channel.PHONE) {
            reasons.add("A call is not possible, so a reminder goes by " + chosen + " instead");
            action = Action.REMINDER;
            template = null;
        }
        channel = chosen;
    }

    private void redirectToPerson(String why) {
        reasons.add(why + "; " + label(action) + " goes to a person instead");
        action = Action.MANUAL_REVIEW;
        channel = Channel.NONE;
        template = null;
    }

    private void applyQuietHours() {
        if (contactFromHour == null || !channel.quietHoursApply()) {
            return;
        }
        int hour = dunningCase.getLocalHour();
        if (hour >= contactFromHour && hour < contactUntilHour) {
            return;
        }
        LocalTime opens = LocalTime.of(contactFromHour, 0);
        notBefore = dunningCase.nextLocal(opens);
        reasons.add("Quiet hours: it is " + dunningCase.getLocalTime().format(TIME) + " in "
                + dunningCase.getLocalDateTime().getZone() + "; not before " + opens.format(TIME) + " local time ("
                + notBefore + ")");
    }

    // --- read by rules (conditions on the Decision fact) and by the service -----------------------------------

    public DunningCase getDunningCase() {
        return dunningCase;
    }

    /** Action code decided so far, or null while undecided. */
    public String getAction() {
        return action == null ? null : action.name();
    }

    public Action decidedAction() {
        return action;
    }

    public boolean isDecided() {
        return action != null;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isContactsCustomer() {
        return action != null && action.contactsCustomer();
    }

    public boolean isBeyondReminder() {
        return action != null && action.beyondReminder();
    }

    public int getStage() {
        return stage;
    }

    public String getTone() {
        return tone == null ? null : tone.name();
    }

    public String getChannel() {
        return channel.name();
    }

    public String getTemplate() {
        return template;
    }

    public List<String> getInvoiceIds() {
        return invoiceIds;
    }

    public Instant getNotBefore() {
        return notBefore;
    }

    public LocalDate getNextReviewOn() {
        return nextReviewOn;
    }

    public boolean isRequiresApproval() {
        return action != null && action.requiresApproval();
    }

    public Integer getDaysBetweenContacts() {
        return daysBetweenContacts;
    }

    public Integer getMaxCallsPer7Days() {
        return maxCallsPer7Days;
    }

    public Integer getQuietDaysAfterConversation() {
        return quietDaysAfterConversation;
    }

    public List<Fee> getFees() {
        return List.copyOf(fees);
    }

    public List<String> getReasons() {
        return List.copyOf(reasons);
    }

    public List<Hold> getHoldsApplied() {
        return List.copyOf(holdsApplied);
    }

    public List<TraceEntry> getTrace() {
        return List.copyOf(trace);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** Details of a step (stage, template, interval) belong to the rule that proposed it, and to no other. */
    private boolean appliesToProposal(String what) {
        if (current == null || current != proposedBy) {
            effect("not applied: " + what + " (this rule did not propose the step)");
            overridden();
            return false;
        }
        effect(what);
        return true;
    }

    private InvoiceCase matchedInvoice(String method) {
        if (current != null && current.fact instanceof InvoiceCase invoice) {
            return invoice;
        }
        throw new IllegalStateException(
                "decision." + method + "(...) must be called from a rule whose first fact is an InvoiceCase");
    }

    private LocalDate later(LocalDate day) {
        LocalDate tomorrow = dunningCase.getToday().plusDays(1);
        return day.isBefore(tomorrow) ? tomorrow : day;
    }

    private void effect(String what) {
        if (current != null) {
            current.effects.add(what);
        }
    }

    private void overridden() {
        if (current != null) {
            current.overridden = true;
        }
    }

    private static String describe(Match match) {
        return match == null ? "an earlier rule" : match.rule;
    }

    private static String label(Enum<?> code) {
        String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    @Override
    public String toString() {
        return action + " " + channel + " " + tone + " stage " + stage + " "
                + reasons.stream().collect(Collectors.joining("; ", "[", "]"));
    }

    private static final class Match {
        final String rule;
        final String source;
        final String sheet;
        final Integer row;
        final Integer line;
        final String group;
        final Map<String, Object> metadata;
        final Object fact;
        final List<String> effects = new ArrayList<>();
        boolean overridden;

        Match(String rule, String source, String sheet, Integer row, Integer line, String group,
                Map<String, Object> metadata, Object fact) {
            this.rule = rule;
            this.source = source;
            this.sheet = sheet;
            this.row = row;
            this.line = line;
            this.group = group;
            this.metadata = metadata;
            this.fact = fact;
        }

        TraceEntry toEntry() {
            return new TraceEntry(rule, source, sheet, row, line, group, metadata, List.copyOf(effects), overridden);
        }
    }
}
