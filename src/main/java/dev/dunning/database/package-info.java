/** The MariaDB the service keeps its facts and decisions in: an embedded server by default, or the operator's own. */
package dev.dunning.database;
