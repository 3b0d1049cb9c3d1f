package dev.dunning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Features depend on each other in one direction only: web -> rules -> decision. */
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
}
