package bnd.mod;

/** Generation 2 reorders the constants and adds one. */
public enum Color {
    COLORS
}
