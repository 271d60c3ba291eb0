// Entry point of the volkrin executable.
int main() { return 0; }
