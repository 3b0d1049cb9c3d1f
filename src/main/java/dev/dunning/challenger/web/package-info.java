/** The champion/challenger tests over HTTP: propose, approve, stop, roll back, promote, read. */
package dev.dunning.challenger.web;
