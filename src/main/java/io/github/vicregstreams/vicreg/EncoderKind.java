package io.github.vicregstreams.vicreg;

/** The encoder's architecture; the projector is the same MLP for both. */
public enum EncoderKind {
    /** Two fully connected layers (the seed's encoder, the default): any feature vector. */
    MLP,
    /**
     * Three 3×3 convolutions (the last two with stride 2), then one fully connected layer: for
     * square single-channel images, the input being their pixels row by row.
     */
    CONV;

    /**
     * Parses a name, case-insensitively.
     *
     * @param name {@code mlp} or {@code conv}
     * @return the kind
     * @throws IllegalArgumentException if the name is neither
     */
    public static EncoderKind parse(String name) {
        return EnumNames.parse(EncoderKind.class, "encoder", name);
    }

    /**
     * The lower-case name, as configuration takes it.
     *
     * @return {@code mlp} or {@code conv}
     */
    public String configName() {
        return EnumNames.of(this);
    }
}
