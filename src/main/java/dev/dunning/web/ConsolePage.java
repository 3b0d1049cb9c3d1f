package dev.dunning.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Controller;

/**
 * A controller of console pages (under {@code /console}), in the feature it shows: its views get the shared layout's
 * model ({@link ConsoleModel}) and its failures the console's problem page ({@link ConsoleProblems}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Controller
public @interface ConsolePage {}
