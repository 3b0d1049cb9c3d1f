package dev.dunning.rules.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The safety gate that decides: it reads every class a rule-set build generated (consequences, constraints,
 * functions, declared types, the rule descriptions) before any of them is loaded, and refuses every reference to a
 * class, method or field that {@link RuleCodeAllowList} does not grant, every loop (a jump backwards), every call
 * cycle between generated methods (recursion), every array whose size is not a small constant, and the few
 * instructions that reach threads or swallow the engine's errors. What the text looked like does not matter here:
 * unicode escapes, spaced names and strings are gone once the code is compiled.
 */
public final class CompiledRuleCode {

    private static final Set<String> NUMBERS = Set.of("java/math/BigDecimal", "java/lang/Integer", "java/lang/Long",
            "java/lang/Double", "java/lang/Float", "java/lang/Short", "java/lang/Byte", "java/lang/Number");

    /** Collections whose constructor takes a capacity, and the largest capacity written as a constant. */
    private static final Set<String> CAPACITY_TYPES = Set.of("java/util/ArrayList", "java/util/HashMap",
            "java/util/HashSet", "java/util/LinkedHashMap", "java/util/LinkedHashSet", "java/lang/StringBuilder");
    static final int MAX_CAPACITY = 100_000;

    /** The most digits, and the largest exponent, a decimal written in rule code may have. */
    static final int MAX_DIGITS = 100;

    /** The largest array rule code may make, and only with a size written as a constant. */
    static final int MAX_ARRAY = 1_000;

    /** The Drools project descriptor: generated from our own kmodule, in a package rule files may not use. */
    private static final String PROJECT_MODEL = "org/drools/project/model/";
    private static final String RULE_BUILDER = "org/drools/modelcompiler/dsl/pattern/D";

    /** Functional interfaces a lambda in rule code may implement: none lets JDK code loop on what it returns. */
    private static final List<String> LAMBDA_TYPES = List.of("java/util/function/", "java/util/Comparator",
            "org/drools/model/functions/");
    /** Interfaces a generated class may implement besides generated ones. */
    private static final List<String> INTERFACES = List.of("java/io/Serializable", "org/drools/model/",
            "org/drools/base/factmodel/");
    private static final Set<String> SUPER_CLASSES = Set.of("java/lang/Object", "java/lang/Enum", "java/lang/Record");
    private static final Set<String> ERRORS = Set.of("java/lang/Throwable", "java/lang/Error",
            "java/lang/VirtualMachineError", "java/lang/StackOverflowError", "java/lang/OutOfMemoryError",
            "java/lang/ThreadDeath", "java/lang/InternalError", "java/lang/LinkageError");

    /**
     * One refused use.
     *
     * @param className the generated class (internal name) it is in
     * @param method the generated method it is in
     * @param rules the rules whose code this is, when the class belongs to rules (consequences, constraints)
     * @param what the refused thing as a person reads it, e.g. {@code java.lang.Runtime.exec}
     * @param name the name as rule code would write it, to find it in the source: {@code Runtime.exec} (the class
     *     may be left out), {@code while}
     * @param why what it would give a rule, or why it is refused
     */
    public record Finding(String className, String method, List<String> rules, String what, String name, String why) {}

    private record MethodKey(String owner, String name, String descriptor) {
        @Override
        public String toString() {
            return owner + "." + name + descriptor;
        }
    }

    private static final class ClassInfo {
        String name;
        String superName;
        String[] interfaces = new String[0];
        final Set<String> methods = new HashSet<>();
        final Map<String, String> fields = new HashMap<>();
        final Set<String> staticFields = new HashSet<>();
        final Map<String, String> instanceFields = new LinkedHashMap<>();
        boolean isEnum;
    }

    private final Map<String, ClassInfo> model = new LinkedHashMap<>();
    private final Map<MethodKey, Set<MethodKey>> calls = new HashMap<>();
    /**
     * Every lambda of the build, as one node of the call graph: code that calls a function object (or hands one to
     * Java, which calls it) may reach any lambda, since which one it holds is known only at run time.
     */
    private static final MethodKey ANY_LAMBDA = new MethodKey("", "a lambda", "");
    /** The method a lambda is written in (the compiler names lambdas lambda$0, lambda$1, ...), to locate it. */
    private final Map<String, String> writtenIn = new HashMap<>();
    /** Which rules refer to a generated class (a rule's constraints and consequence are classes of their own). */
    private final Map<String, Set<String>> rulesOfClass = new HashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> reported = new HashSet<>();

    private CompiledRuleCode() {}

    /** Every refused use in the classes of one build (internal name to class file). */
    public static List<Finding> check(Map<String, byte[]> classes) {
        CompiledRuleCode check = new CompiledRuleCode();
        classes.values().forEach(check::index);
        classes.forEach((name, bytes) -> {
            if (!name.startsWith(PROJECT_MODEL)) {
                check.rulesIn(bytes);
            }
        });
        classes.forEach((name, bytes) -> {
            if (!name.startsWith(PROJECT_MODEL)) {
                check.inspect(bytes);
            }
        });
        check.findRecursion();
        return check.findings;
    }

    private void index(byte[] bytes) {
        ClassInfo info = new ClassInfo();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                info.name = name;
                info.superName = superName;
                info.interfaces = interfaces == null ? new String[0] : interfaces;
                info.isEnum = (access & Opcodes.ACC_ENUM) != 0;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                info.fields.put(name, descriptor);
                if ((access & Opcodes.ACC_STATIC) != 0) {
                    info.staticFields.add(name);
                } else {
                    info.instanceFields.put(name, descriptor);
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                info.methods.add(name + descriptor);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        model.put(info.name, info);
    }

    /** The rule descriptions: D.rule("package", "name") then the classes holding that rule's code. */
    private void rulesIn(byte[] bytes) {
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                if (!name.startsWith("rule_")) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    String lastString;
                    String rule;
                    final Set<String> used = new LinkedHashSet<>();

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (value instanceof String s) {
                            lastString = s;
                        }
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(RULE_BUILDER) && method.equals("rule") && rule == null) {
                            rule = lastString;
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        if (model.containsKey(owner) && desc.equals("L" + owner + ";")) {
                            used.add(owner); // the one instance of a constraint's or consequence's class
                        }
                    }

                    @Override
                    public void visitEnd() {
                        if (rule != null) {
                            used.forEach(c -> rulesOfClass.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(rule));
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    private void inspect(byte[] bytes) {
        ClassInfo info = model.get(new ClassReader(bytes).getClassName());
        if (!SUPER_CLASSES.contains(info.superName) && !model.containsKey(info.superName)) {
            refuse(info.name, "(class)", dotted(info.superName), simple(info.superName),
                    "a type declared in rules may only extend another declared type, not a class of Java or the "
                            + "service");
        }
        if (info.isEnum) {
            info.instanceFields.forEach((field, descriptor) -> {
                if (!isValueType(descriptor)) {
                    refuse(info.name, "(class)", "the field " + field + " of the declared enum " + simple(info.name),
                            field, "an enum constant is shared by every decision, so it may hold only values (numbers, "
                                    + "text, dates, decimals, codes), not " + Type.getType(descriptor).getClassName());
                }
            });
        }
        for (String itf : info.interfaces) {
            if (isFunctional(itf) && !info.isEnum) {
                // Drools' own constraint and consequence classes are enums; a class of rule code implementing a
                // function would be called back where the call graph cannot follow (write a lambda instead).
                refuse(info.name, "(class)", "a class implementing " + dotted(itf), simple(itf), "rule code may not "
                        + "define classes of its own; write a lambda");
            }
            if (!model.containsKey(itf) && INTERFACES.stream().noneMatch(itf::startsWith)) {
                refuse(info.name, "(class)", dotted(itf), simple(itf), "code in rules may not implement "
                        + dotted(itf) + ": the service's or Java's code would call it back without bound");
            }
        }
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodKey self = new MethodKey(info.name, name, descriptor);
                if ((access & (Opcodes.ACC_SYNCHRONIZED | Opcodes.ACC_NATIVE)) != 0) {
                    refuse(info.name, name, "synchronized", "synchronized", "rule code may not take locks");
                }
                return new CodeReader(info, self);
            }
        }, ClassReader.SKIP_FRAMES);
    }

    /** Reads one method's instructions. */
    private final class CodeReader extends MethodVisitor {
        private final ClassInfo info;
        private final MethodKey self;
        private final Set<Label> placed = new HashSet<>();
        /**
         * The int the previous instructions left on the stack when it is a constant (or bounded by an array's length),
         * else null: the size an array instruction would use.
         */
        private Integer constant;
        /** The constant scale pushed right before a RoundingMode constant, for setScale(scale, mode). */
        private Integer scaleBeforeMode;
        /** The type the previous instruction left on the stack when it was a call or a field read, else null. */
        private Type lastType;
        /** The string the previous instruction pushed, if it was a constant string. */
        private String text;

        CodeReader(ClassInfo info, MethodKey self) {
            super(Opcodes.ASM9);
            this.info = info;
            this.self = self;
        }

        private void refuse(String what, String name, String why) {
            CompiledRuleCode.this.refuse(info.name, self.name(), what, name, why);
        }

        @Override
        public void visitLabel(Label label) {
            placed.add(label);
            constant = null; // code may jump here with another value on the stack
            text = null;
            scaleBeforeMode = null;
            lastType = null;
        }

        @Override
        public void visitInsn(int opcode) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            if (opcode == Opcodes.MONITORENTER) {
                refuse("synchronized", "synchronized", "rule code may not take locks");
            }
            if (opcode == Opcodes.ARRAYLENGTH) {
                constant = 0; // a copy of an array that exists (an enum's values()) is no bigger than it
            } else if (opcode != Opcodes.DUP) {
                constant = opcode >= Opcodes.ICONST_M1 && opcode <= Opcodes.ICONST_5 ? opcode - Opcodes.ICONST_0 : null;
            }
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            if (opcode != Opcodes.ISTORE) {
                constant = null;
            }
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            constant = null;
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            if (opcode == Opcodes.NEWARRAY) {
                array();
            }
            constant = opcode == Opcodes.NEWARRAY ? null : operand;
        }

        @Override
        public void visitLdcInsn(Object value) {
            constant = value instanceof Integer i ? i : null;
            text = value instanceof String t ? t : null;
            scaleBeforeMode = null;
            lastType = null;
            if (value instanceof Type literal && (literal.getSort() == Type.OBJECT || literal.getSort() == Type.ARRAY
                    && literal.getElementType().getSort() == Type.OBJECT)) {
                Type type = literal.getSort() == Type.ARRAY ? literal.getElementType() : literal;
                String owner = type.getInternalName();
                if (!model.containsKey(owner) && !RuleCodeAllowList.type(owner)) {
                    refuse(dotted(owner) + ".class", simple(owner), "a class of its own is reflection; rules may "
                            + "only use the fact model and pure helpers");
                }
            } else if (value instanceof Handle || value instanceof ConstantDynamic
                    || value instanceof Type type && type.getSort() == Type.METHOD) {
                refuse("a method handle", "MethodHandle", "method handles are reflection");
            }
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            if (opcode == Opcodes.ANEWARRAY) {
                array();
            }
            constant = null;
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int dimensions) {
            refuse("a multi-dimensional array", "new", "arrays of arrays are " + "allocations whose size the rule computes");
            constant = null;
        }

        private void array() {
            if (constant == null || constant < 0 || constant > MAX_ARRAY) {
                refuse("an array of computed size", "new", "an array's size must be a constant of at most "
                        + MAX_ARRAY + "; rule code may not allocate without bound");
            }
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            if (placed.contains(label)) {
                refuse("a loop", "while", "rule code may not loop (for, while, do): a rule that never ends would "
                        + "hold every decision that meets it; match the facts in the rule's conditions instead");
            }
            constant = null;
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            switches(dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            switches(dflt, labels);
        }

        private void switches(Label dflt, Label[] labels) {
            if (placed.contains(dflt) || java.util.Arrays.stream(labels).anyMatch(placed::contains)) {
                refuse("a loop", "switch", "rule code may not loop");
            }
            constant = null;
        }

        @Override
        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
            if (type == null || ERRORS.contains(type)) {
                refuse(type == null ? "finally" : "catch (" + dotted(type) + ")", type == null ? "finally" : simple(type),
                        "rule code may not catch errors (finally, or catching Throwable or Error): it would hide a "
                                + "rule stopped for running too long");
            }
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            scaleBeforeMode = opcode == Opcodes.GETSTATIC && owner.equals("java/math/RoundingMode") ? constant : null;
            lastType = opcode == Opcodes.GETSTATIC || opcode == Opcodes.GETFIELD ? Type.getType(descriptor) : null;
            constant = null;
            if (model.containsKey(owner)) {
                generatedField(opcode, owner, name, descriptor);
                return;
            }
            if (opcode == Opcodes.PUTFIELD || opcode == Opcodes.PUTSTATIC) {
                refuse(dotted(owner) + "." + name, name, "rule code may not change fields of the fact model or of Java");
                return;
            }
            member(owner, name, "", true);
        }

        /**
         * Generated static state is the rule descriptions' own: rule code reading or writing it could keep data from
         * one customer's decision to the next. Enum constants (declared enums, the constraint classes) are values.
         */
        private void generatedField(int opcode, String owner, String name, String descriptor) {
            ClassInfo target = model.get(owner);
            if (opcode == Opcodes.PUTFIELD && target.isEnum && !(owner.equals(info.name) && self.name().equals("<init>"))) {
                refuse("the field " + name + " of the declared enum " + simple(owner), name, "an enum constant is "
                        + "shared by every decision, so rule code may not change it");
                return;
            }
            if (opcode == Opcodes.GETFIELD || opcode == Opcodes.PUTFIELD) {
                return; // fields of declared types: facts the rule made for this decision
            }
            boolean own = owner.equals(info.name);
            boolean allowed = opcode == Opcodes.PUTSTATIC
                    ? own && self.name().equals("<clinit>")
                    : own && (self.name().equals("<clinit>") || ENUM_ARRAYS.contains(name))
                            || target.isEnum && descriptor.equals("L" + owner + ";")
                            || descriptor.startsWith("Lorg/drools/model/")
                            || descriptor.equals("Ljava/time/format/DateTimeFormatter;") || descriptor.length() == 1;
            if (!allowed) {
                refuse("the generated field " + name, name, "rule code may not keep state between decisions");
            }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            // What the instructions before left on the stack, then the state after this call.
            Integer scale = scaleBeforeMode;
            Integer size = constant;
            Type produced = lastType;
            String argument = text;
            scaleBeforeMode = null;
            constant = null;
            text = null;
            lastType = Type.getReturnType(descriptor);
            if (owner.equals("org/drools/modelcompiler/util/EvaluationUtil") && name.equals("toBigDecimal")
                    && (produced == null || !NUMBERS.contains(produced.getInternalName()))) {
                refuse("org.drools.modelcompiler.util.EvaluationUtil.toBigDecimal of something not a number",
                        "toBigDecimal", "a decimal must not be made from computed text (it can hold a billion "
                                + "digits)");
            }
            if (owner.equals("java/math/BigDecimal") && (name.equals("setScale") || name.equals("divide")
                    && descriptor.startsWith("(Ljava/math/BigDecimal;ILjava/math/RoundingMode;)"))
                    && (scale == null || scale > MAX_DIGITS)) {
                refuse("java.math.BigDecimal." + name + " with a computed scale", name, "a scale must be written "
                        + "as a constant of at most " + MAX_DIGITS + " right before its rounding mode; a computed one "
                        + "can make a number of a billion digits");
            }
            if (name.equals("<init>") && descriptor.equals("(I)V") && CAPACITY_TYPES.contains(owner)) {
                // A capacity written as a constant (the generated list of a thousand rules) is no risk; computed,
                // it is an allocation without bound.
                if (size == null || size < 0 || size > MAX_CAPACITY) {
                    refuse(dotted(owner) + " (new) with a computed capacity", simple(owner), "a capacity must be a "
                            + "constant of at most " + MAX_CAPACITY + "; rule code may not allocate without bound");
                }
                return;
            }
            if (owner.equals("java/math/BigDecimal") && name.equals("<init>") && descriptor.startsWith("(Ljava/lang/String;")
                    && !smallDecimal(argument)) {
                refuse("java.math.BigDecimal (new) from a text the rule computes or a huge exponent", "BigDecimal",
                        "a decimal must be written as a constant of at most " + MAX_DIGITS + " digits and exponent; "
                                + "one made from computed text can hold a billion digits");
            }
            if (owner.startsWith("[")) {
                if (!name.equals("clone")) {
                    refuse(name, name, "arrays offer nothing else to rules");
                }
                return;
            }
            if (model.containsKey(owner)) {
                MethodKey target = resolve(owner, name, descriptor);
                if (target != null) {
                    calls.computeIfAbsent(self, k -> new HashSet<>()).add(target);
                    return;
                }
                owner = inheritedFrom(owner);
            }
            if (isFunctional(owner) || java.util.Arrays.stream(Type.getArgumentTypes(descriptor))
                    .anyMatch(t -> t.getSort() == Type.OBJECT && isFunctional(t.getInternalName()))) {
                calls.computeIfAbsent(self, k -> new HashSet<>()).add(ANY_LAMBDA);
            }
            member(owner, name, descriptor, false);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            text = null;
            scaleBeforeMode = null;
            lastType = null;
            constant = null;
            String bsm = bootstrap.getOwner() + "." + bootstrap.getName();
            if (bsm.equals("java/lang/invoke/StringConcatFactory.makeConcatWithConstants")) {
                return;
            }
            if (!bsm.equals("java/lang/invoke/LambdaMetafactory.metafactory")
                    && !bsm.equals("java/lang/invoke/LambdaMetafactory.altMetafactory")) {
                refuse("a dynamic call (" + dotted(bootstrap.getOwner()) + ")", bootstrap.getName(),
                        "only lambdas and string concatenation are open to rules");
                return;
            }
            String made = Type.getReturnType(descriptor).getInternalName();
            if (LAMBDA_TYPES.stream().noneMatch(made::startsWith) && !model.containsKey(made)) {
                refuse("a lambda implementing " + dotted(made), simple(made), "code in rules may not implement "
                        + dotted(made) + ": the service's or Java's code would call it back without bound");
            }
            for (Object argument : arguments) {
                if (argument instanceof Handle handle) {
                    if (model.containsKey(handle.getOwner())) {
                        MethodKey target = resolve(handle.getOwner(), handle.getName(), handle.getDesc());
                        if (target != null) {
                            calls.computeIfAbsent(self, k -> new HashSet<>()).add(target);
                            calls.computeIfAbsent(ANY_LAMBDA, k -> new HashSet<>()).add(target);
                            writtenIn.putIfAbsent(target.owner() + "." + target.name(), self.name());
                            continue;
                        }
                    }
                    if (isFunctional(handle.getOwner())) {
                        calls.computeIfAbsent(ANY_LAMBDA, k -> new HashSet<>()).add(ANY_LAMBDA);
                    }
                    member(model.containsKey(handle.getOwner()) ? inheritedFrom(handle.getOwner()) : handle.getOwner(),
                            handle.getName(), handle.getDesc(), false);
                }
            }
        }

        private void member(String owner, String name, String descriptor, boolean field) {
            RuleCodeAllowList.Verdict verdict = RuleCodeAllowList.member(owner, name, descriptor);
            if (!verdict.allowed()) {
                String what = dotted(owner) + (name.equals("<init>") ? " (new)" : "." + name);
                refuse(what, name.equals("<init>") ? simple(owner) : simple(owner) + "." + name, verdict.why() == null
                        ? "it is outside what rules may use (the fact model, strings, numbers, java.time, java.math "
                                + "and collections)"
                        : "it gives a rule access to " + verdict.why());
            }
        }
    }

    /** The arrays behind an enum's values(), which the compiler names so that source code cannot. */
    private static final Set<String> ENUM_ARRAYS = Set.of("ENUM$VALUES", "$VALUES");

    private static boolean isFunctional(String type) {
        return LAMBDA_TYPES.stream().anyMatch(type::startsWith);
    }

    /** The generated method a call lands on, or null when it lands on a class that was not generated. */
    private MethodKey resolve(String owner, String name, String descriptor) {
        for (ClassInfo c = model.get(owner); c != null; c = model.get(c.superName)) {
            if (c.methods.contains(name + descriptor)) {
                return new MethodKey(c.name, name, descriptor);
            }
        }
        return null;
    }

    private String inheritedFrom(String owner) {
        ClassInfo c = model.get(owner);
        while (c != null && model.containsKey(c.superName)) {
            c = model.get(c.superName);
        }
        return c == null ? owner : c.superName;
    }

    private static boolean smallDecimal(String text) {
        if (text == null || text.length() > MAX_DIGITS * 2) {
            return false;
        }
        try {
            java.math.BigDecimal value = new java.math.BigDecimal(text);
            return value.precision() <= MAX_DIGITS && Math.abs(value.scale()) <= MAX_DIGITS;
        } catch (NumberFormatException e) {
            return true; // fails the same way at run time, at once
        }
    }

    private boolean isValueType(String descriptor) {
        if (descriptor.length() == 1) {
            return true;
        }
        String type = descriptor.startsWith("L") ? descriptor.substring(1, descriptor.length() - 1) : "";
        return VALUE_TYPES.contains(type) || type.startsWith("java/time/")
                || model.containsKey(type) && model.get(type).isEnum
                || type.startsWith("dev/dunning/decision/") && isFactEnum(type);
    }

    private static boolean isFactEnum(String type) {
        return Set.of("Action", "Channel", "DeclineClass", "HoldKind", "InvoiceStatus", "Outcome", "Segment", "Tone")
                .contains(type.substring(type.lastIndexOf('/') + 1));
    }

    private static final Set<String> VALUE_TYPES = Set.of("java/lang/String", "java/lang/Integer", "java/lang/Long",
            "java/lang/Boolean", "java/lang/Double", "java/lang/Short", "java/lang/Byte", "java/lang/Character",
            "java/lang/Float", "java/math/BigDecimal");

    /** A cycle in the calls between generated methods is recursion, which may never end. */
    private void findRecursion() {
        Map<MethodKey, Integer> state = new HashMap<>();
        for (MethodKey start : calls.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<MethodKey> path = new ArrayDeque<>();
            Deque<java.util.Iterator<MethodKey>> pending = new ArrayDeque<>();
            state.put(start, 1);
            path.push(start);
            pending.push(calls.getOrDefault(start, Set.of()).iterator());
            while (!pending.isEmpty()) {
                java.util.Iterator<MethodKey> next = pending.peek();
                if (!next.hasNext()) {
                    state.put(path.pop(), 2);
                    pending.pop();
                    continue;
                }
                MethodKey callee = next.next();
                Integer seen = state.get(callee);
                if (seen == null) {
                    state.put(callee, 1);
                    path.push(callee);
                    pending.push(calls.getOrDefault(callee, Set.of()).iterator());
                } else if (seen == 1) {
                    List<String> cycle = new ArrayList<>();
                    for (MethodKey m : path) {
                        cycle.add(0, readable(m.name()));
                        if (m.equals(callee)) {
                            break;
                        }
                    }
                    cycle.add(readable(callee.name()));
                    MethodKey at = callee == ANY_LAMBDA ? path.peek() : callee; // a method of the build, to locate
                    refuse(at.owner(), at.name(), "recursion (" + String.join(" → ", cycle) + ")",
                            readable(at.name()), "rule code may not call itself, directly or through other "
                                    + "functions or lambdas: it may never end");
                }
            }
        }
    }

    private static String readable(String method) {
        return method.startsWith("lambda$") ? "a lambda" : method;
    }

    private void refuse(String className, String lambdaOrMethod, String what, String name, String why) {
        String method = lambdaOrMethod;
        while (method.startsWith("lambda$") && writtenIn.containsKey(className + "." + method)) {
            method = writtenIn.get(className + "." + method);
        }
        // A class nested in a consequence (an anonymous class) belongs to the consequence's rules.
        String outer = className.contains("$") ? className.substring(0, className.indexOf('$')) : className;
        List<String> rules = List.copyOf(rulesOfClass.getOrDefault(className, rulesOfClass.getOrDefault(outer, Set.of())));
        if (reported.add(className + "|" + method + "|" + what)) {
            findings.add(new Finding(className, method, rules, what, name, why));
        }
    }

    static String dotted(String internal) {
        return internal == null ? "" : internal.replace('/', '.').replace('$', '.');
    }

    static String simple(String internal) {
        String s = internal.substring(internal.lastIndexOf('/') + 1);
        return s.substring(s.lastIndexOf('$') + 1);
    }
}
