package locks

import "context"

var ctx = context.Background()
