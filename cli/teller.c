#include "teller.h"
int main(void) { return 0; }
