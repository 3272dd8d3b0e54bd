package deploy.mod;

public class Base {
    public int base() { return 7; }
}
