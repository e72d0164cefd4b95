module ut-tls/test/peers/go

go 1.19
