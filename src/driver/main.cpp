// thrustc's entry point (being written).
int main() { return 70; }
