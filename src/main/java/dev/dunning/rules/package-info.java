/** Loading, checking and compiling rule sets, and evaluating facts with the active one, group by group. */
package dev.dunning.rules;
