package dev.dunning;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Features depend on each other in one direction only: a feature's web adapters -> its feature -> rules -> decision.
 * What every feature's pages and endpoints share (dev.dunning.web) knows no feature above the fact model and rules, so
 * that a feature's adapters may use it without a cycle.
 */
@AnalyzeClasses(packages = "dev.dunning", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = slices().matching("dev.dunning.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule factModelKnowsNoEngineAndNoWeb = noClasses().that().resideInAPackage("dev.dunning.decision..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.dunning.rules..", "dev.dunning.web..", "org.kie..", "org.drools..", "org.springframework..");

    @ArchTest
    static final ArchRule rulesKnowNoWeb = noClasses().that().resideInAPackage("dev.dunning.rules..")
            .should().dependOnClassesThat().resideInAPackage("dev.dunning.web..");

    @ArchTest
    static final ArchRule internalsStayInTheirFeature = noClasses().that().resideOutsideOfPackage("dev.dunning.rules..")
            .should().dependOnClassesThat().resideInAPackage("dev.dunning.rules.internal..");

    @ArchTest
    static final ArchRule sharedWebKnowsNoFeature = noClasses().that().resideInAPackage("dev.dunning.web")
            .should().dependOnClassesThat(resideInAPackage("dev.dunning..").and(resideInAnyPackage(
                    "dev.dunning", "dev.dunning.web", "dev.dunning.decision..", "dev.dunning.rules",
                    "dev.dunning.validation..", "dev.dunning.database").negate()));
}
