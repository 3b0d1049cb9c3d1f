package dev.dunning.rules.internal;

import java.net.URL;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application's class path as a rule-set build sees it (Drools' Java compiler and the class loader of the built
 * rules), with every resource lookup remembered. The compiler
 * asks for each simple name it meets in each imported package ("is there a dev/dunning/decision/String.class?"), and
 * a miss makes the class loader look into every jar; profiling a 1,000-row table's build found a fifth of the
 * compiler's time in those lookups. A class found stays found; a miss is remembered only until the next build
 * ({@link #forgetMisses()}): a miss that was wrong for a moment (a class file being rewritten under a running
 * process, a jar that could not be read) would otherwise fail every later build for good. The compiler then takes
 * {@code dev.dunning.decision.DunningCase} for a package ("Only a type can be imported ... resolves to a package")
 * and refuses a version that compiled before with some 1,800 problems, on every re-activation until a restart.
 * Classes are still loaded by the parent, so the rules see the same fact classes as the service.
 *
 * <p>Most misses are names of the build itself: the executable model writes its classes into sub-packages named
 * {@code P} and two hex digits and names them with a 32-digit hash that changes with every build
 * ({@code Rules<hash>}, {@code LambdaPredicate<hash>}, ...). Remembering those would only fill the memory; they are
 * never on the application's class path (nothing of ours is precompiled by Drools), so they are answered at once.
 */
public final class ClassPathLookups extends ClassLoader {

    /** Names come from rule text: bounded, so that uploads of odd names cannot grow it without end. */
    static final int MAX_ENTRIES = 50_000;

    /** Rule packages remembered, at most; a rule set has a handful. */
    static final int MAX_PACKAGES = 1_000;

    /** A class named with a build's hash (or one nested in it), in any package. */
    private static final Pattern HASHED = Pattern.compile("(?:.*/)?(?:Rules|DomainClassesMetadata|Lambda[A-Za-z]*)"
            + "[0-9A-F]{32}(?:RuleMethods\\d+)?(?:\\$.*)?\\.class");
    /**
     * Something in, or the name of, a sub-package {@code P} + two hex digits: generated only below a rule package
     * (a real {@code com/acme/PDF/Invoice.class} is not), so the package before it is checked too.
     */
    private static final Pattern SUB_PACKAGE = Pattern.compile("(?:(.*)/)?P[0-9A-F]{2}(?:/.*|\\.class)");

    private final Map<String, Optional<URL>> resources = new ConcurrentHashMap<>();
    private final Set<String> rulePackages = ConcurrentHashMap.newKeySet();

    public ClassPathLookups(ClassLoader parent) {
        super(parent);
    }

    /** The packages of the rules about to be built ({@code dunning.holds}), under which Drools generates classes. */
    public void rulePackages(Collection<String> packages) {
        if (rulePackages.size() + packages.size() > MAX_PACKAGES) {
            rulePackages.clear();
        }
        packages.forEach(p -> rulePackages.add(p.replace('.', '/')));
    }

    /**
     * Forgets the names found missing, at the start of a build; the misses of one build (each simple name asked in
     * each imported package, many times over) are still answered from memory.
     */
    public void forgetMisses() {
        resources.values().removeIf(Optional::isEmpty);
    }

    boolean generated(String path) {
        if (HASHED.matcher(path).matches()) {
            return true;
        }
        Matcher sub = SUB_PACKAGE.matcher(path);
        return sub.matches() && rulePackages.contains(sub.group(1) == null ? "" : sub.group(1));
    }

    @Override
    public URL getResource(String name) {
        if (generated(name)) {
            return null;
        }
        Optional<URL> known = resources.get(name);
        if (known == null) {
            known = Optional.ofNullable(getParent().getResource(name));
            if (resources.size() >= MAX_ENTRIES) {
                resources.clear();
            }
            resources.put(name, known);
        }
        return known.orElse(null);
    }

    /**
     * Classes come from the parent, except the build's own: Drools asks its parent first even for the classes it has
     * just generated, and the application class loader keeps a lock object for every name it is asked for, forever
     * (its parallel-lock map). Asked for thousands of hash-named classes per build, it grew by about 0.1 MB per
     * activation; those names are answered here.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (generated(name.replace('.', '/') + ".class")) {
            throw new ClassNotFoundException(name + " is generated by the rule-set build, not on the class path");
        }
        return getParent().loadClass(name);
    }

    int remembered() {
        return resources.size();
    }
}
