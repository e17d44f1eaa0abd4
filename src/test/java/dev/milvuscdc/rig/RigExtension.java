package dev.milvuscdc.rig;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 access to the rig: {@code @ExtendWith(RigExtension.class)} and a {@link Rig} parameter in a
 * constructor, test or lifecycle method. One rig serves the whole test JVM (see {@link Rig#get()}).
 */
public final class RigExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Rig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return Rig.get();
    }
}
