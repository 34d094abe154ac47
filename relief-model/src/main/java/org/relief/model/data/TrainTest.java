package org.relief.model.data;

/** The training and test split of one dataset, as it ships. */
public record TrainTest(ImageDataset train, ImageDataset test) {}
