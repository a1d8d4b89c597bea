# SPDX-License-Identifier: GPL-2.0
#
# vmastat: per-VMA residency and page-fault accounting.
#
#   make                 module (for KVER, default 6.1) and the vmastat tool
#   make KVER=6.12       the module for another Debian kernel (6.1, 6.12, 6.12-rt)
#   make KDIR=/lib/modules/$(uname -r)/build
#                        the module for any installed kernel headers
#   make demo            boot a test VM, load the module, show a program's maps
#   make vm              a shell in a test VM with the module loaded
#   make lab N=3         run teaching lab 3 in a test VM (also: make lab3)
#   make lab-outputs     rerun every lab on every kernel, save the outputs
#                        that Documentation/labs/ shows
#   make stress          the full stress run (50 module load/unload cycles
#                        under a fault storm) on every kernel
#   make install         the module (for KVER, or KDIR=...), the tool, its man
#                        page and the uapi header; PREFIX=/usr/local,
#                        DESTDIR=; make uninstall removes them
#   make check           every test on every supported kernel
#   make bench           benchmarks on every kernel in test VMs (~20 min quiet):
#                        out/bench/; UPDATE_README=1 (or make bench-readme
#                        afterwards) also updates README.md's results
#   make check-debug     every kselftest on a KASAN+lockdep 6.1 kernel (slow)
#   make help            everything else

KVER ?= 6.1
KERNELS := 6.1 6.12 6.12-rt

TOP := $(CURDIR)
CACHE := $(TOP)/.cache
OUT := $(TOP)/out

ifdef KDIR
BUILD ?= $(OUT)/kdir
FETCH_KERNEL := true
else
KDIR = $(CACHE)/kernels/$(KVER)/kdir
BUILD ?= $(OUT)/$(KVER)
FETCH_KERNEL := tools/testing/install-deps && tools/testing/fetch-kernel $(KVER) >/dev/null
endif

export VMASTAT_CACHE := $(CACHE)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
# the release the module was built for, from its vermagic
KRELEASE = $(shell modinfo -F vermagic $(BUILD)/vmastat.ko 2>/dev/null | cut -d' ' -f1)
MODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/extra

.PHONY: all deps module tool labs selftests ksft check demo vm lab lab-outputs \
	install uninstall stress clean help

all: module tool

# Out-of-tree module builds write objects next to their sources, so each
# kernel gets its own copy of the (small) module sources under out/.
module:
	@$(FETCH_KERNEL)
	@mkdir -p $(BUILD)
	@cp -pRu Kbuild module uapi $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) W=1 modules

tool:
	$(MAKE) -C tools/vmastat

ksft:
	@tools/testing/fetch-ksft >/dev/null

selftests: ksft
	$(MAKE) -C selftests/vmastat

deps:
	@tools/testing/install-deps

labs:
	$(MAKE) -C tools/labs

check:
	tools/testing/check

.PHONY: check-debug
check-debug:
	tools/testing/check-debug

demo: deps module tool labs
	tools/testing/vm/vmrun -k $(KVER) -- tools/testing/demo $(KVER)

lab: deps module tool labs
	@test -n "$(N)" || { echo "usage: make lab N=NUMBER [KVER=...]" >&2; exit 2; }
	tools/testing/vm/vmrun -k $(KVER) -- tools/testing/run-lab $(KVER) $(N)

lab[0-9]:
	$(MAKE) lab N=$(@:lab%=%)

lab-outputs: deps tool labs
	set -e; for k in $(KERNELS); do \
		$(MAKE) module KVER=$$k; \
		tools/testing/vm/vmrun -k $$k -- tools/testing/run-lab $$k --save all; \
	done

vm: deps module tool labs
	tools/testing/vm/vmrun -k $(KVER) --shell -- tools/testing/vm/shell-init

stress: deps tool labs selftests
	set -e; for k in $(KERNELS); do \
		$(MAKE) module KVER=$$k; \
		VMRUN_TCG_THREAD=single \
		tools/testing/vm/vmrun -k $$k -t 1800 -- tools/testing/guest-stress $$k; \
	done

install: module tool
	@test -n "$(KRELEASE)" || { echo "install: no module in $(BUILD)" >&2; exit 1; }
	install -D -m 0644 $(BUILD)/vmastat.ko $(MODDIR)/vmastat.ko
	install -D -m 0755 tools/vmastat/vmastat $(DESTDIR)$(BINDIR)/vmastat
	install -D -m 0644 tools/vmastat/vmastat.1 $(DESTDIR)$(MANDIR)/man1/vmastat.1
	install -D -m 0644 uapi/linux/vmastat.h $(DESTDIR)$(INCLUDEDIR)/linux/vmastat.h
	if [ -z "$(DESTDIR)" ]; then depmod -a $(KRELEASE); fi

uninstall:
	rm -f $(MODDIR)/vmastat.ko $(DESTDIR)$(BINDIR)/vmastat \
		$(DESTDIR)$(MANDIR)/man1/vmastat.1 \
		$(DESTDIR)$(INCLUDEDIR)/linux/vmastat.h
	if [ -z "$(DESTDIR)" ] && [ -n "$(KRELEASE)" ]; then depmod -a $(KRELEASE); fi

clean:
	rm -rf $(OUT)
	-$(MAKE) -C tools/vmastat clean
	-$(MAKE) -C selftests/vmastat clean
	-$(MAKE) -C tools/labs clean

bench:
	tools/bench/run $(if $(UPDATE_README),--update-readme)

bench-readme:
	tools/bench/report --update-readme

.PHONY: bench bench-readme

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile
