package dev.dunning.rules.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassPathLookupsTest {

    /** The application's class loader, with every question it is asked written down. */
    static final class Listening extends ClassLoader {
        final List<String> asked = new ArrayList<>();

        Listening() {
            super(ClassPathLookupsTest.class.getClassLoader());
        }

        @Override
        public URL getResource(String name) {
            asked.add(name);
            return super.getResource(name);
        }
    }

    final Listening parent = new Listening();
    final ClassPathLookups lookups = new ClassPathLookups(parent);

    @Test
    void findsWhatTheClassPathHoldsAndAsksOnlyOnce() throws Exception {
        String exposure = "dev/dunning/decision/Exposure.class";

        URL first = lookups.getResource(exposure);
        URL second = lookups.getResource(exposure);

        assertThat(first).isEqualTo(getClass().getClassLoader().getResource(exposure)).isNotNull();
        assertThat(second).isEqualTo(first);
        try (var in = lookups.getResourceAsStream(exposure)) {
            assertThat(in.readAllBytes()).startsWith(0xCA, 0xFE, 0xBA, 0xBE);
        }
        assertThat(parent.asked).containsExactly(exposure);
    }

    @Test
    void remembersThatANameIsMissing() {
        String missing = "dunning/escalation/ladder/String.class";

        assertThat(lookups.getResource(missing)).isNull();
        assertThat(lookups.getResource(missing)).isNull();

        assertThat(parent.asked).containsExactly(missing);
    }

    /**
     * A class file missing for a moment (rewritten under the running service, a jar that could not be read): the
     * next build finds it again. Remembered for good, the miss made every later build of the same files fail, as
     * the re-activation of a champion after its challenger's promotion did with 1,827 problems.
     */
    @Test
    void aMissIsRememberedWithinABuildOnlyAndTheNextBuildFindsTheClass() {
        String decision = "dev/dunning/decision/Decision.class";
        ClassLoader flaky = new ClassLoader(getClass().getClassLoader()) {
            int asked;

            @Override
            public URL getResource(String name) {
                return name.equals(decision) && asked++ == 0 ? null : super.getResource(name);
            }
        };
        ClassPathLookups lookups = new ClassPathLookups(flaky);

        lookups.forgetMisses();
        assertThat(lookups.getResource(decision)).as("missing for a moment").isNull();
        assertThat(lookups.getResource(decision)).as("remembered within the build").isNull();
        lookups.forgetMisses();
        URL found = lookups.getResource(decision);
        assertThat(found).as("the next build").isEqualTo(getClass().getClassLoader().getResource(decision))
                .isNotNull();
        lookups.forgetMisses();
        assertThat(lookups.getResource(decision)).as("a class found stays found").isEqualTo(found);
    }

    @Test
    void answersTheNamesOfABuildWithoutAskingOrRemembering() {
        lookups.rulePackages(List.of("dunning.escalation.ladder"));
        List<String> generated = List.of(
                "dunning/escalation/ladder/P5F.class",
                "dunning/escalation/ladder/P5F/String.class",
                "dunning/escalation/ladder/P5F/LambdaPredicate5F9A7361D46CF4C842823B52D9851D89.class",
                "dunning/escalation/ladder/Rules21791EE486AC2A5079FFF6430CB63375.class",
                "dunning/escalation/ladder/Rules21791EE486AC2A5079FFF6430CB63375RuleMethods12.class",
                "dunning/channel/limits/DomainClassesMetadataA633FEE418956FC51F05AA1F689B02CB.class");

        generated.forEach(name -> assertThat(lookups.getResource(name)).as(name).isNull());

        assertThat(parent.asked).isEmpty();
        assertThat(lookups.remembered()).isZero();
    }

    @Test
    void namesThatOnlyLookGeneratedAreStillLookedUp() {
        // A class of Drools' own whose name starts like a generated one, and a package that is not a P + two hex.
        String drools = "org/drools/model/codegen/execmodel/PackageModelWriter$DomainClassesMetadata.class";
        String lowercase = "org/example/p5f/Thing.class";

        assertThat(lookups.getResource(drools)).isNotNull();
        assertThat(lookups.getResource(lowercase)).isNull();

        assertThat(parent.asked).containsExactly(drools, lowercase);
    }

    @Test
    void aSubPackageThatLooksGeneratedIsOnlyAnsweredBelowARulePackage() {
        lookups.rulePackages(List.of("dunning.escalation.ladder"));
        // P, then two hex digits: PDF. A real package of a real library, to be found as ever.
        String real = "com/acme/PDF/Invoice.class";
        String realPackageAsClass = "com/acme/PDF.class";
        String generated = "dunning/escalation/ladder/PDF/Invoice.class";

        assertThat(lookups.getResource(real)).isNull();
        assertThat(lookups.getResource(realPackageAsClass)).isNull();
        assertThat(lookups.getResource(generated)).isNull();

        assertThat(parent.asked).as("asked the class path for the library's names, not for the build's")
                .containsExactly(real, realPackageAsClass);
        assertThatThrownBy(() -> lookups.loadClass("dunning.escalation.ladder.PDF.Invoice"))
                .isInstanceOf(ClassNotFoundException.class).hasMessageContaining("generated by the rule-set build");
    }

    @Test
    void forgetsEverythingRatherThanGrowWithoutEnd() {
        for (int i = 0; i < ClassPathLookups.MAX_ENTRIES + 10; i++) {
            lookups.getResource("dunning/odd/Name" + i + ".class");
        }

        assertThat(lookups.remembered()).isBetween(1, ClassPathLookups.MAX_ENTRIES);
    }
}
