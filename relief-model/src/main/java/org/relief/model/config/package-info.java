/**
 * Experiment configuration (HOCON, Typesafe Config): {@code reference.conf} documents every
 * key; {@link org.relief.model.config.ExperimentConfig} reads a user file with overrides and
 * refuses unknown or ill-typed keys; {@link org.relief.model.config.ExperimentSettings} reads
 * every key into a checked field. Nothing below the settings sees a {@code Config}.
 */
package org.relief.model.config;
