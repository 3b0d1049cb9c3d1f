/** Who may call what: roles, API keys, optional JWT sign-in, the endpoint rules and the four-eyes check. */
package dev.dunning.security;
