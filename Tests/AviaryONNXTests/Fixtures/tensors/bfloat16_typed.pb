*
€€€€~É€Bbfloat16_typed