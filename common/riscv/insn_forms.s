# Every RV64GC instruction form, assembled with -march=rv64gc and dumped with
# objdump -M no-aliases for decoder_objdump_test: mnemonics, register fields
# (x0, x31, the compressed x8..x15 range, f registers), and each immediate at
# its extremes. Branch and jump targets are relative (".+N") so every offset
# is encoded directly.
	.option norelax
	.option norvc
	.text

# ---- RV64I --------------------------------------------------------------
	lui	a0, 0
	lui	t6, 0xfffff
	lui	zero, 0x80000
	auipc	ra, 0x12345
	auipc	s11, 0xfffff
	jal	ra, .+1048574
	jal	zero, .-1048576
	jal	t6, .+2
	jalr	zero, 0(ra)
	jalr	ra, 2047(t6)
	jalr	t0, -2048(a0)
	beq	a0, a1, .+4094
	beq	zero, t6, .-4096
	bne	s0, s1, .+2
	blt	a0, zero, .-2
	bge	t6, t5, .+100
	bltu	a2, a3, .-100
	bgeu	a4, a5, .+2048
	lb	a0, 0(a1)
	lb	t6, -2048(zero)
	lh	a0, 2047(sp)
	lw	s0, -1(s1)
	ld	ra, 8(sp)
	lbu	a5, 1(a4)
	lhu	a6, -2(a7)
	lwu	t3, 4(t4)
	sb	a0, 0(a1)
	sb	t6, -2048(zero)
	sh	zero, 2047(t6)
	sw	s0, -1(s1)
	sd	ra, 8(sp)
	addi	a0, a0, 1
	addi	zero, zero, 0
	addi	t6, zero, -2048
	addi	sp, sp, 2047
	slti	a0, a1, -1
	sltiu	a0, a1, 1
	xori	a0, a1, -1
	ori	a0, a1, 0x7ff
	andi	a0, a1, -2048
	slli	a0, a1, 0
	slli	a0, a1, 63
	srli	t6, t5, 1
	srli	t6, t5, 32
	srai	a0, a1, 63
	srai	a0, a1, 31
	add	a0, a1, a2
	add	zero, t6, zero
	sub	t6, t5, t4
	sll	a0, a1, a2
	slt	a0, a1, a2
	sltu	a0, a1, a2
	xor	a0, a1, a2
	srl	a0, a1, a2
	sra	a0, a1, a2
	or	a0, a1, a2
	and	a0, a1, a2
	addiw	a0, a1, -2048
	addiw	a0, a1, 2047
	slliw	a0, a1, 31
	slliw	a0, a1, 0
	srliw	a0, a1, 31
	sraiw	a0, a1, 17
	addw	a0, a1, a2
	subw	a0, a1, a2
	sllw	a0, a1, a2
	srlw	a0, a1, a2
	sraw	a0, a1, a2
	fence
	fence	rw, rw
	fence	r, w
	fence	i, o
	fence	io, rw
	fence	w, iorw
	fence.tso
	ecall
	ebreak

# ---- Zifencei, Zicsr ------------------------------------------------------
	fence.i
	csrrw	a0, fflags, a1
	csrrw	zero, frm, t6
	csrrw	t6, fcsr, zero
	csrrs	a0, cycle, zero
	csrrs	a0, time, zero
	csrrs	a0, instret, zero
	csrrs	a0, 0x7c0, a1
	csrrc	a0, fcsr, a1
	csrrc	a0, 0xfff, a1
	csrrwi	a0, fflags, 31
	csrrwi	zero, frm, 0
	csrrsi	a0, fcsr, 1
	csrrci	t6, fcsr, 16

# ---- M --------------------------------------------------------------------
	mul	a0, a1, a2
	mulh	t6, t5, t4
	mulhsu	a0, a1, a2
	mulhu	a0, a1, a2
	div	a0, a1, a2
	divu	a0, a1, a2
	rem	a0, a1, a2
	remu	zero, zero, zero
	mulw	a0, a1, a2
	divw	a0, a1, a2
	divuw	a0, a1, a2
	remw	a0, a1, a2
	remuw	a0, a1, a2

# ---- A --------------------------------------------------------------------
	lr.w	a0, (a1)
	lr.w.aq	a0, (a1)
	lr.w.rl	a0, (a1)
	lr.w.aqrl	t6, (zero)
	sc.w	a0, a1, (a2)
	sc.w.aq	a0, a1, (a2)
	sc.w.rl	a0, a1, (a2)
	sc.w.aqrl	a0, a1, (a2)
	amoswap.w	a0, a1, (a2)
	amoadd.w	a0, a1, (a2)
	amoxor.w.aq	a0, a1, (a2)
	amoand.w.rl	a0, a1, (a2)
	amoor.w.aqrl	a0, a1, (a2)
	amomin.w	a0, a1, (a2)
	amomax.w	a0, a1, (a2)
	amominu.w	a0, a1, (a2)
	amomaxu.w	t6, t5, (t4)
	lr.d	a0, (a1)
	lr.d.aqrl	a0, (a1)
	sc.d	a0, a1, (a2)
	sc.d.rl	a0, a1, (a2)
	amoswap.d.aq	a0, a1, (a2)
	amoadd.d	a0, a1, (a2)
	amoxor.d	a0, a1, (a2)
	amoand.d	a0, a1, (a2)
	amoor.d	a0, a1, (a2)
	amomin.d.aqrl	a0, a1, (a2)
	amomax.d	a0, a1, (a2)
	amominu.d	a0, a1, (a2)
	amomaxu.d	zero, zero, (zero)

# ---- F --------------------------------------------------------------------
	flw	fa0, 0(a0)
	flw	ft11, -2048(t6)
	fsw	fa0, 2047(sp)
	fsw	ft0, -1(zero)
	fmadd.s	fa0, fa1, fa2, fa3
	fmadd.s	ft0, ft1, ft2, ft11, rne
	fmsub.s	fa0, fa1, fa2, fa3, rtz
	fnmsub.s	fa0, fa1, fa2, fa3, rdn
	fnmadd.s	fa0, fa1, fa2, fa3, rup
	fadd.s	fa0, fa1, fa2
	fadd.s	fa0, fa1, fa2, rmm
	fsub.s	fs0, fs1, fs2, rne
	fmul.s	fa0, fa1, fa2, rtz
	fdiv.s	fa0, fa1, fa2
	fsqrt.s	fa0, fa1
	fsqrt.s	fa0, fa1, rdn
	fsgnj.s	fa0, fa1, fa2
	fsgnjn.s	fa0, fa1, fa2
	fsgnjx.s	fa0, fa1, fa2
	fmin.s	fa0, fa1, fa2
	fmax.s	fa0, fa1, fa2
	fcvt.w.s	a0, fa0
	fcvt.w.s	a0, fa0, rtz
	fcvt.wu.s	a0, fa0, rne
	fcvt.l.s	t6, ft11, rup
	fcvt.lu.s	a0, fa0
	fmv.x.w	a0, fa0
	feq.s	a0, fa0, fa1
	flt.s	a0, fa0, fa1
	fle.s	a0, fa0, fa1
	fclass.s	a0, fa0
	fcvt.s.w	fa0, a0
	fcvt.s.w	fa0, a0, rtz
	fcvt.s.wu	fa0, a0, rmm
	fcvt.s.l	fa0, zero
	fcvt.s.lu	ft11, t6
	fmv.w.x	fa0, a0

# ---- D --------------------------------------------------------------------
	fld	fa0, 8(sp)
	fld	ft11, -2048(t6)
	fsd	fa0, 2047(sp)
	fsd	fs11, -8(s0)
	fmadd.d	fa0, fa1, fa2, fa3
	fmsub.d	fa0, fa1, fa2, fa3, rne
	fnmsub.d	fa0, fa1, fa2, fa3, rtz
	fnmadd.d	fa0, fa1, fa2, fa3, rmm
	fadd.d	fa0, fa1, fa2
	fadd.d	fa0, fa1, fa2, rdn
	fsub.d	fa0, fa1, fa2
	fmul.d	fa0, fa1, fa2, rup
	fdiv.d	fa0, fa1, fa2
	fsqrt.d	fa0, fa1
	fsgnj.d	fa0, fa1, fa2
	fsgnjn.d	fa0, fa1, fa2
	fsgnjx.d	fa0, fa1, fa2
	fmin.d	fa0, fa1, fa2
	fmax.d	fa0, fa1, fa2
	fcvt.s.d	fa0, fa1
	fcvt.s.d	fa0, fa1, rtz
	fcvt.d.s	fa0, fa1
	feq.d	a0, fa0, fa1
	flt.d	a0, fa0, fa1
	fle.d	a0, fa0, fa1
	fclass.d	a0, fa0
	fcvt.w.d	a0, fa0, rtz
	fcvt.wu.d	a0, fa0
	fcvt.l.d	a0, fa0, rne
	fcvt.lu.d	a0, fa0
	fcvt.d.w	fa0, a0
	fcvt.d.wu	fa0, a0
	fcvt.d.l	fa0, a0, rtz
	fcvt.d.lu	fa0, a0
	fmv.x.d	a0, fa0
	fmv.d.x	fa0, a0

# ---- C: every RV64C instruction, immediates at their extremes --------------
	.option rvc
	c.addi4spn	s0, sp, 4
	c.addi4spn	a5, sp, 1020
	c.fld	fs0, 0(s0)
	c.fld	fa5, 248(a5)
	c.lw	s0, 0(s1)
	c.lw	a0, 124(a5)
	c.ld	a5, 248(s0)
	c.ld	a1, 8(a2)
	c.fsd	fs1, 248(a5)
	c.sw	a0, 124(s1)
	c.sd	s0, 0(a0)
	c.sd	a5, 248(a5)
	c.nop
	c.addi	a0, 1
	c.addi	t6, -32
	c.addi	ra, 31
	c.addiw	a0, -1
	c.addiw	t6, 31
	c.addiw	ra, -32
	c.li	a0, 0
	c.li	t6, -32
	c.li	sp, 31
	c.addi16sp	sp, 16
	c.addi16sp	sp, 496
	c.addi16sp	sp, -512
	c.lui	a0, 1
	c.lui	t6, 0x1f
	c.lui	ra, 0xfffe0
	c.lui	s0, 0xfffff
	c.srli	s0, 1
	c.srli	a5, 63
	c.srai	s1, 32
	c.srai	a0, 31
	c.andi	a0, -32
	c.andi	s0, 31
	c.sub	s0, a5
	c.xor	a0, a1
	c.or	a2, a3
	c.and	a4, s1
	c.subw	s0, s1
	c.addw	a5, a4
	c.j	.+2046
	c.j	.-2048
	c.j	.+2
	c.beqz	s0, .+254
	c.beqz	a5, .-256
	c.bnez	a0, .+2
	c.bnez	s1, .-2
	c.slli	a0, 1
	c.slli	t6, 63
	c.slli	ra, 32
	c.fldsp	fa0, 0(sp)
	c.fldsp	ft11, 504(sp)
	c.lwsp	ra, 252(sp)
	c.lwsp	t6, 0(sp)
	c.ldsp	a0, 504(sp)
	c.ldsp	sp, 8(sp)
	c.jr	ra
	c.jr	t6
	c.mv	a0, a1
	c.mv	t6, ra
	c.ebreak
	c.jalr	a0
	c.jalr	t6
	c.add	a0, a1
	c.add	t6, t5
	c.fsdsp	fa0, 504(sp)
	c.fsdsp	ft0, 0(sp)
	c.swsp	ra, 252(sp)
	c.swsp	t6, 0(sp)
	c.sdsp	ra, 504(sp)
	c.sdsp	zero, 8(sp)
