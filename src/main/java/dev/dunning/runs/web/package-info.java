/** Dunning runs over HTTP and in the console: starting one, its progress and its report. */
package dev.dunning.runs.web;
