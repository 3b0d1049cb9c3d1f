package dev.dunning.rules.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What compiled rule code may refer to, member by member: the documented fact model, a short list of pure JDK
 * operations (strings, numbers, java.time, java.math, collections) and the Drools members that the executable model's
 * generated code itself needs to describe rules. Everything else is refused, whatever the source text looked like.
 *
 * <p>Names are JVM internal names ({@code java/lang/String}). A rule grants a class, or a package (a name ending in
 * {@code /}, its sub-packages included; or a name ending in {@code *}: every class whose name starts so), with a set of member names it may not use ({@link #except}) or the only
 * member names it may use ({@link #only}). The first rule that matches a class decides.
 */
final class RuleCodeAllowList {

    /** Why a reference is refused, in words for the person who wrote the rule; null when it is allowed. */
    record Verdict(boolean allowed, String why) {
        static final Verdict ALLOWED = new Verdict(true, null);

        static Verdict refused(String why) {
            return new Verdict(false, why);
        }
    }

    private record Grant(String name, Set<String> names, boolean onlyThese, String why) {
        boolean covers(String owner) {
            if (name.endsWith("*")) {
                return owner.startsWith(name.substring(0, name.length() - 1));
            }
            return name.endsWith("/") || name.endsWith("$") ? owner.startsWith(name) : owner.equals(name);
        }

        Verdict member(String member) {
            if (onlyThese ? names.contains(member) : !names.contains(member)) {
                return Verdict.ALLOWED;
            }
            return Verdict.refused(why);
        }
    }

    private static Grant all(String name) {
        return new Grant(name, Set.of(), false, null);
    }

    private static Grant except(String name, String why, String... members) {
        return new Grant(name, Set.of(members), false, why);
    }

    private static Grant only(String name, String why, String... members) {
        return new Grant(name, Set.of(members), true, why);
    }

    private static Grant none(String name, String why) {
        return new Grant(name, Set.of(), true, why);
    }

    /** The fact model's types (dev.dunning.decision), as documented in docs/fact-model.md. */
    static final Set<String> FACT_MODEL = Set.of("Action", "Channel", "ContactAttempt", "Customer", "Decision",
            "DeclineClass", "DunningCase", "Exposure", "Fee", "Hold", "HoldKind", "Invoice", "InvoiceCase",
            "InvoiceStatus", "Outcome", "Segment", "Tone", "TraceEntry");

    private static final String FACTS = "dev/dunning/decision/";

    private static final String ITERATION = "iteration, which can run without end when the code changes what it "
            + "iterates (match the facts in the rule's conditions instead)";
    private static final String REGEX = "regular expressions, which can take exponential time";

    /** Members no class may be asked for: they reach reflection, threads or the JVM, whoever declares them. */
    private static final Map<String, String> NEVER = Map.ofEntries(
            Map.entry("forEach", ITERATION), Map.entry("forEachRemaining", ITERATION),
            Map.entry("forEachOrdered", ITERATION),
            Map.entry("getClass", "reflection"),
            Map.entry("getDeclaringClass", "reflection"),
            Map.entry("describeConstable", "reflection"),
            Map.entry("wait", "threads"),
            Map.entry("notify", "threads"),
            Map.entry("notifyAll", "threads"),
            Map.entry("finalize", "the garbage collector"));

    private static final String GROWS = "allocations whose size the rule computes (a rule may not build data without bound)";
    private static final String CLOCK = "the system clock (\"today\" is the decision's asOf: use the dunning case's dates)";
    private static final String PROCESS = "the process's settings";
    private static final String ENGINE = "the rule engine itself (rules only write to the decision through its methods)";

    private static final List<Grant> GRANTS = List.of(
            // The fact model: what rules read and the decision's methods; not the engine's own bookkeeping.
            except(FACTS + "Decision", "the engine's own bookkeeping of the decision", "<init>", "beginMatch",
                    "endMatch", "finish"),
            except(FACTS + "DunningCase", "deriving a case (the engine does that before the rules run)", "derive"),
            // Values and text.
            except("java/lang/String", GROWS + ", " + REGEX + " or the JVM's string pool", "repeat", "format",
                    "formatted", "intern", "indent", "matches", "replaceAll", "replaceFirst", "split",
                    "replace(Ljava/lang/CharSequence;Ljava/lang/CharSequence;)Ljava/lang/String;",
                    "chars", "codePoints", "lines", "describeConstable", "resolveConstantDesc"),
            except("java/lang/StringBuilder", GROWS, "<init>(I)V", "setLength", "ensureCapacity", "chars",
                    "codePoints"),
            all("java/lang/CharSequence"),
            except("java/lang/Integer", PROCESS, "getInteger"),
            except("java/lang/Long", PROCESS, "getLong"),
            except("java/lang/Boolean", PROCESS, "getBoolean"),
            all("java/lang/Double"),
            all("java/lang/Float"),
            all("java/lang/Short"),
            all("java/lang/Byte"),
            except("java/lang/Character", "the JDK's own files", "getName", "codePointOf"),
            all("java/lang/Number"),
            except("java/lang/Math", "a random generator shared by the whole JVM (decisions must be reproducible)",
                    "random"),
            all("java/lang/Comparable"),
            all("java/lang/Iterable"),
            only("java/lang/Object", "reflection or threads", "<init>", "equals", "hashCode", "toString"),
            only("java/lang/Enum", "reflection", "<init>", "name", "ordinal", "compareTo", "equals", "hashCode",
                    "toString", "valueOf"),
            only("java/lang/Record", "reflection", "<init>", "equals", "hashCode", "toString"),
            // Enum constants' values() copies its array: the one call of System a rule needs.
            only("java/lang/System", "the process and its environment", "arraycopy"),
            // Rules may fail with a message; the trace of a failure is the engine's to report.
            only("java/lang/Throwable", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/Exception", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/RuntimeException", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/IllegalArgumentException", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/IllegalStateException", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/ArithmeticException", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/NullPointerException", "the stack of the service", "<init>", "getMessage"),
            only("java/lang/UnsupportedOperationException", "the stack of the service", "<init>", "getMessage"),
            // Numbers: arithmetic, not numbers of a size the rule computes.
            except("java/math/BigDecimal", GROWS, "pow", "movePointLeft", "movePointRight", "scaleByPowerOfTen",
                    "setScale(I)Ljava/math/BigDecimal;", "setScale(II)Ljava/math/BigDecimal;",
                    "divide(Ljava/math/BigDecimal;II)Ljava/math/BigDecimal;", "<init>([C)V",
                    "<init>([CLjava/math/MathContext;)V",
                    "sqrt", "<init>([CII)V", "<init>([CIILjava/math/MathContext;)V",
                    "<init>(Ljava/math/BigInteger;I)V", "<init>(Ljava/math/BigInteger;ILjava/math/MathContext;)V",
                    "valueOf(JI)Ljava/math/BigDecimal;"),
            all("java/math/RoundingMode"),
            only("java/math/MathContext", GROWS, "getPrecision", "getRoundingMode", "equals", "hashCode", "toString",
                    "DECIMAL32", "DECIMAL64", "DECIMAL128", "UNLIMITED"),
            // Time: arithmetic on dates and instants the facts give; never the system clock or zone providers.
            none("java/time/Clock", CLOCK),
            none("java/time/InstantSource", CLOCK),
            none("java/time/zone/", "the time-zone database's providers"),
            none("java/time/chrono/", "calendar systems, loaded from providers"),
            except("java/time/format/DateTimeFormatterBuilder", GROWS, "padNext"),
            except("java/time/format/DateTimeFormatter", PROCESS + " (its default locale: give the locale)",
                    "ofPattern(Ljava/lang/String;)Ljava/time/format/DateTimeFormatter;"),
            except("java/time/", CLOCK + " or the service's time zone", "now", "dateNow", "systemDefault"),
            // Collections. Streams and spliterators are left out: they can run without end (iterate, generate).
            except("java/util/ArrayList", GROWS, "<init>(I)V", "ensureCapacity", "stream", "parallelStream",
                    "spliterator"),
            except("java/util/HashMap", GROWS, "<init>(I)V", "<init>(IF)V", "newHashMap"),
            except("java/util/LinkedHashMap", GROWS, "<init>(I)V", "<init>(IF)V", "<init>(IFZ)V", "newLinkedHashMap"),
            except("java/util/HashSet", GROWS, "<init>(I)V", "<init>(IF)V", "newHashSet", "stream", "parallelStream",
                    "spliterator"),
            except("java/util/LinkedHashSet", GROWS, "<init>(I)V", "<init>(IF)V", "newLinkedHashSet", "stream",
                    "parallelStream", "spliterator"),
            except("java/util/Collections", GROWS + " or a random generator shared by the JVM", "nCopies", "fill",
                    "shuffle"),
            except("java/util/Arrays", GROWS + " or threads", "copyOf", "copyOfRange", "stream", "spliterator",
                    "setAll", "parallelSetAll", "parallelPrefix", "parallelSort", "fill", "deepHashCode",
                    "deepEquals", "deepToString"),
            // Sorted by natural order only: a comparator kept in the map would be called back by Java without the
            // call graph seeing it.
            except("java/util/TreeMap", "a comparator kept and called back by Java", "<init>(Ljava/util/Comparator;)V",
                    "stream", "parallelStream", "spliterator"),
            except("java/util/TreeSet", "a comparator kept and called back by Java", "<init>(Ljava/util/Comparator;)V",
                    "stream", "parallelStream", "spliterator"),
            only("java/util/Locale", PROCESS + " (locale data loaded on demand)", "getLanguage", "getCountry",
                    "toLanguageTag", "equals", "hashCode", "toString", "ROOT", "ENGLISH", "GERMAN", "FRENCH", "UK",
                    "US", "GERMANY", "FRANCE"),
            streamless("java/util/List"), streamless("java/util/Map"), streamless("java/util/Map$Entry"),
            streamless("java/util/Set"), streamless("java/util/Collection"), streamless("java/util/LinkedList"),
            streamless("java/util/EnumMap"),
            streamless("java/util/EnumSet"), streamless("java/util/Objects"), streamless("java/util/Optional"),
            streamless("java/util/Iterator"), streamless("java/util/ListIterator"),
            streamless("java/util/Comparator"), streamless("java/util/SortedMap"), streamless("java/util/SortedSet"),
            streamless("java/util/NavigableMap"), streamless("java/util/NavigableSet"),
            except("java/util/function/", "functions composed without bound (exponential work)", "andThen",
                    "compose"),
            // What the executable model generates to describe rules: builders of rule descriptions, not the engine.
            none("org/drools/model/Drools", ENGINE),
            none("org/drools/model/DroolsEntryPoint", ENGINE),
            all("org/drools/model/PatternDSL"), all("org/drools/model/PatternDSL$"),
            all("org/drools/model/DSL"), all("org/drools/model/Index$ConstraintType"),
            all("org/drools/model/Rule$Attribute"), all("org/drools/model/DomainClassMetadata"),
            all("org/drools/model/consequences/ConsequenceBuilder$"),
            all("org/drools/model/functions/Block*"), all("org/drools/model/functions/Function*"),
            // The engine's shared empty instance and rule list would carry data from one decision to the next.
            none("org/drools/model/functions/PredicateInformation$", ENGINE),
            except("org/drools/model/functions/PredicateInformation", ENGINE, "EMPTY_PREDICATE_INFORMATION",
                    "getRuleDefs"),
            all("org/drools/model/functions/Predicate*"), all("org/drools/model/functions/HashedExpression"),
            all("org/drools/model/functions/accumulate/AccumulateFunction"),
            none("org/drools/model/operators/MatchesOperator", REGEX),
            only("org/drools/model/operators/", ENGINE, "INSTANCE", "eval", "getOperatorName", "requiresCoercion",
                    "isInverse", "test"),
            only("org/drools/model/impl/RuleBuilder", ENGINE, "attribute", "metadata", "unit", "build"),
            all("org/drools/modelcompiler/dsl/pattern/D"),
            // The comparisons the generated constraints use; toBigDecimal only on numbers (checked where it is called).
            only("org/drools/modelcompiler/util/EvaluationUtil", ENGINE, "areNullSafeEquals",
                    "areNumbersNullSafeEquals", "greaterThan", "greaterThanNumbers", "greaterOrEqual",
                    "greaterOrEqualNumbers", "lessThan", "lessThanNumbers", "lessOrEqual", "lessOrEqualNumbers",
                    "toBigDecimal"),
            only("org/drools/util/DateUtils", PROCESS, "getDateFormatMask"),
            all("org/drools/core/base/accumulators/"));

    private static Grant streamless(String name) {
        return except(name, "streams, which can run without end, or functions composed without bound", "stream",
                "parallelStream", "spliterator", "andThen", "compose", "thenComparing", "thenComparingInt",
                "thenComparingLong", "thenComparingDouble");
    }

    private RuleCodeAllowList() {}

    /** Whether code may call or read {@code owner.name} with descriptor {@code descriptor} (owner not generated). */
    static Verdict member(String owner, String name, String descriptor) {
        String never = NEVER.get(name);
        if (never != null) {
            return Verdict.refused(never);
        }
        if (owner.startsWith(FACTS)) {
            String simple = owner.substring(FACTS.length());
            if (!FACT_MODEL.contains(simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple)) {
                return Verdict.refused("the service's code outside the fact model");
            }
        }
        Grant grant = grant(owner);
        if (grant == null) {
            return Verdict.refused(null);
        }
        Verdict byName = grant.member(name);
        Verdict bySignature = grant.member(name + descriptor);
        if (grant.onlyThese()) {
            return byName.allowed() || bySignature.allowed() ? Verdict.ALLOWED : byName;
        }
        return byName.allowed() ? bySignature : byName;
    }

    /** Whether a class may be named as a value (a class literal handed to the rule builders, say). */
    static boolean type(String owner) {
        Grant grant = grant(owner);
        return grant != null && !(grant.onlyThese() && grant.names().isEmpty())
                && (!owner.startsWith(FACTS) || member(owner, "", "").allowed());
    }

    private static Grant grant(String owner) {
        for (Grant g : GRANTS) {
            if (g.covers(owner)) {
                return g;
            }
        }
        return owner.startsWith(FACTS) ? all(owner) : null;
    }
}
