package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.LoadedModel;

/** Turns a verified bundle into a serving engine (with its canary outcome), or refuses it. */
@FunctionalInterface
public interface ModelLoader {

    LoadedModel load(ModelBundle bundle) throws BundleException;
}
